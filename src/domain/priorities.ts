/** Outbox priorities (docs/design.md P6): lower goes first. */
export const PRIORITY = {
  /** Replies to what a person just wrote. */
  live: 0,
  /** Reminders, nudges, inactivity reminders. */
  reminder: 1,
  /** Broadcasts. */
  bulk: 2,
} as const
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY]
