/**
 * The inbox is the single source of the bot's messages in the terminal chat (and the web page):
 * replies, reminders and approval requests alike are read from `GET /api/v1/simulator/inbox` in
 * delivery order. This tracker keeps the cursor and drops any message it has already seen, so
 * overlapping polls never print a message twice.
 * @module
 */
import type { InboxMessage, InboxPage } from './client.js'

export type InboxTracker = {
  /** The cursor to ask for next (`after=`). */
  readonly cursor: string
  /** Takes one inbox page; returns the messages not seen before, in delivery order. */
  accept: (page: InboxPage) => InboxMessage[]
}

export function createInboxTracker(cursor = '0'): InboxTracker {
  const seen = new Set<string>()
  let current = cursor
  return {
    get cursor() {
      return current
    },
    accept(page) {
      const fresh = page.messages.filter((message) => {
        if (seen.has(message.id)) return false
        seen.add(message.id)
        return true
      })
      current = laterCursor(current, page.cursor)
      return fresh
    },
  }
}

/** The later of two cursors; they are inbox ids, so numeric ones compare as numbers. */
export function laterCursor(current: string, next: string): string {
  if (/^\d+$/.test(current) && /^\d+$/.test(next)) {
    return BigInt(next) > BigInt(current) ? next : current
  }
  return next
}
