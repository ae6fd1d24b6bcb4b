import type { DbOrTx } from '../db/client.js'
import { listIdentities } from '../db/queries/identities.js'
import { enqueueMessages } from '../db/queries/outbox.js'
import type { Priority } from '../domain/priorities.js'
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
  const identities = await listIdentities(tx, personId)
  await enqueueMessages(
    tx,
    identities.map((identity) => ({
      channel: identity.channel,
      recipientId: identity.externalId,
      priority,
      message,
      personId,
    }))
  )
}
