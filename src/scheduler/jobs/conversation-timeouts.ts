import {
  CONVERSATION_FIRE_KINDS,
  type ConversationTimeoutPayload,
  type Runtime,
} from '../../conversation/runtime.js'
import type { FireHandler } from '../fires.js'

/**
 * The fire handlers of the inactivity reminder and expiry (docs/design.md P4): both resume the
 * engine.
 */
export function conversationTimeoutHandlers(
  runtime: Pick<Runtime, 'handleTimeout'>
): Record<string, FireHandler> {
  const handler =
    (kind: 'remind' | 'expire'): FireHandler =>
    (tx, fire, now) =>
      runtime.handleTimeout(tx, kind, fire.payload as ConversationTimeoutPayload, now)
  return {
    [CONVERSATION_FIRE_KINDS.remind]: handler('remind'),
    [CONVERSATION_FIRE_KINDS.expire]: handler('expire'),
  }
}
