import { and, isNotNull, lt, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { inboundMessages } from '../schema/index.js'

export type RedactInboundTextParams = {
  /** Text of messages received before this moment is redacted. */
  receivedBefore: Date
  /** When the redaction happens (`text_redacted_at`). */
  now: Date
}

/**
 * Redacts the text people typed (docs/domain.md, decision 9): clears `inbound_messages.text` of
 * messages received before the cut-off and records when. The row itself stays (dedupe, kind,
 * times), and so do the domain records the message produced. Returns how many rows it redacted.
 */
export const redactInboundText = async (
  db: DbOrTx,
  params: RedactInboundTextParams
): Promise<number> => {
  const rows = await db
    .update(inboundMessages)
    .set({ text: sql`null`, textRedactedAt: params.now })
    .where(
      and(isNotNull(inboundMessages.text), lt(inboundMessages.receivedAt, params.receivedBefore))
    )
    .returning({ id: inboundMessages.id })
  return rows.length
}
