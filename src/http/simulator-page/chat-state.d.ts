/** Types of `chat-state.js`, the web simulator's DOM-free state (served as is to the browser). */

export type Choice = { id: string; label: string }

export type InboxMessage = {
  id: string
  at: string
  text: string
  choices?: Choice[]
  multiple?: boolean
  /** A document the message carries: its name and where the simulator's API serves it. */
  document?: DocumentLink
}
export type DocumentLink = { fileName: string; url: string }
export type InboxPage = { messages: InboxMessage[]; cursor: string }

export type BotItem = {
  kind: 'bot'
  id: string
  at: string
  text: string
  choices: Choice[]
  multiple?: boolean
  document?: DocumentLink
}
export type UserItem = { kind: 'user'; id: string; at: string; text: string; failed: boolean }
export type ChatItem = BotItem | UserItem

export type ChatState = { from: string; cursor: string; items: ChatItem[] }

export type MessageContent =
  | { text: string }
  | { choice: string }
  | { location: { lat: number; lng: number } }
  | { photo: { base64: string } }

export type Bubble = {
  key: string
  side: 'left' | 'right'
  text: string
  time: string
  failed: boolean
  /** Several choices may be tapped, then sent with "Selesai". */
  multiple: boolean
  /** The text in runs; a report number is a run that must not break across lines. */
  parts: TextPart[]
  choices: { id: string; label: string; number: number }[]
}

export type TextPart = { text: string; nowrap: boolean }
export declare function textParts(text: string): TextPart[]
export declare function multipleAnswer(numbers: Iterable<number>): string

export declare const MAX_ITEMS: number
export declare const DEMO_LOCATION: Readonly<{ lat: number; lng: number }>
export declare const MAX_PHOTO_BYTES: number

export declare function isValidSender(from: unknown): boolean
export declare function createChatState(from: string): ChatState
export declare function laterCursor(current: string, next: string): string
export declare function applyInbox(
  state: ChatState,
  page: InboxPage
): { state: ChatState; added: BotItem[] }
export declare function addOutgoing(
  state: ChatState,
  item: { id: string; at: string; text: string }
): ChatState
export declare function markFailed(state: ChatState, id: string): ChatState
export declare function toBubble(item: ChatItem, formatTime?: (iso: string) => string): Bubble
export declare function buildMessageBody(params: {
  from: string
  phone?: string
  id: string
  content: MessageContent
}): Record<string, unknown>
export declare function describeOutgoing(content: MessageContent, detail?: string): string
export declare function parseCoordinates(text: string): { lat: number; lng: number } | undefined
export declare function missingReplies(replies: { text: string }[], arrived: ChatItem[]): number
export declare function botItemsAfter(state: ChatState, count: number): BotItem[]
export declare function serializeState(state: ChatState): string
export declare function restoreState(from: string, json: string | null | undefined): ChatState
export declare function randomId(bytes?: number): string
