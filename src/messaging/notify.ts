import type { ChannelName, OutboundMessage } from '../domain/messages.js'
import type { DbOrTx } from '../db/client.js'
import { listIdentities } from '../db/queries/identities.js'
import { enqueueMessages, holdMessages, releaseWaiting } from '../db/queries/outbox.js'
import { listReachableChats } from '../db/queries/reachability.js'
import { PRIORITY, type Priority } from '../domain/priorities.js'
import type { Reply } from '../engine/index.js'
import { type TextRenderer, renderReply } from './render.js'

/**
 * Queues a message to every chat identity of a person (it was not a reply to them). The rows
 * carry the person, so the sender skips them if the person says BERHENTI before they go out;
 * at live priority (an answer to something they did) they are never skipped.
 */
export async function notifyPerson(
  tx: DbOrTx,
  deps: { i18n: TextRenderer },
  personId: number,
  reply: Reply,
  priority: Priority
): Promise<void> {
  const message = renderReply(deps.i18n, reply)
  await enqueueTo(tx, await listIdentities(tx, personId), { personId, priority, message })
}

/**
 * Queues a message already made (one that carries a document, such as a certificate) to the chats
 * that can reach the person now, and to no other (docs/domain.md, decision 20): nothing waits for
 * someone without consent or a reachable chat. Resolves to how many chats it was queued to.
 */
export async function sendToReachable(
  tx: DbOrTx,
  personId: number,
  message: OutboundMessage,
  priority: Priority,
  only?: { channel: ChannelName; externalId: string }
): Promise<number> {
  const chats = await listReachableChats(tx, personId, only)
  await enqueueTo(tx, chats, { personId, priority, message })
  return chats.length
}

/** Queues one message for a person to each of the given chats of theirs. */
async function enqueueTo(
  tx: DbOrTx,
  chats: { channel: ChannelName; externalId: string }[],
  row: { personId: number; priority: Priority; message: OutboundMessage }
): Promise<void> {
  await enqueueMessages(
    tx,
    chats.map((chat) => ({ ...row, channel: chat.channel, recipientId: chat.externalId }))
  )
}

/** What became of a notice: queued to a chat that can be reached, or waiting for one. */
export type NoticeDelivery = 'queued' | 'waiting'

/**
 * A notice one person's action causes for another (an izin for the mentor, a registration for the
 * supervisor: docs/domain.md, decision 20). It goes to the chats that can reach them now; without
 * one it waits, and is released by `releaseNotices` at their first contact and consent. The caller
 * tells the person who caused it which of the two happened.
 */
export async function sendNotice(
  tx: DbOrTx,
  deps: { i18n: TextRenderer },
  personId: number,
  reply: Reply,
  priority: Priority
): Promise<NoticeDelivery> {
  const message = renderReply(deps.i18n, reply)
  const chats = await listReachableChats(tx, personId)
  if (chats.length === 0) {
    // A notice that waited is no live answer any more: it queues behind the person's own replies.
    await holdMessages(tx, [{ personId, priority: PRIORITY.reminder, message }])
    return 'waiting'
  }
  await enqueueTo(tx, chats, { personId, priority, message })
  return 'queued'
}

/**
 * What became of a notice sent earlier, for someone who causes it again (it goes once): it
 * reached a person who can be reached now (a waiting one was released at their consent), and
 * still waits for anyone else.
 */
export async function earlierNoticeDelivery(tx: DbOrTx, personId: number): Promise<NoticeDelivery> {
  return (await listReachableChats(tx, personId)).length > 0 ? 'queued' : 'waiting'
}

/**
 * Gives the notices waiting for a person to this chat, oldest first, once it can reach them (it
 * consented, the person has not said BERHENTI): at their first contact and consent, or when they
 * say MULAI. Resolves to how many were released.
 */
export async function releaseNotices(
  tx: DbOrTx,
  chat: { personId: number; channel: ChannelName; senderId: string }
): Promise<number> {
  const reachable = await listReachableChats(tx, chat.personId, {
    channel: chat.channel,
    externalId: chat.senderId,
  })
  if (reachable.length === 0) return 0
  return releaseWaiting(tx, {
    personId: chat.personId,
    channel: chat.channel,
    recipientId: chat.senderId,
  })
}
