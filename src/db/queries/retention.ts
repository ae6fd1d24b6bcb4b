import { and, isNotNull, lt, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { inboundMessages } from '../schema/index.js'
import { rowsOf } from '../raw.js'

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

/** Outbox rows the sender is done with; `waiting`, `queued` and `sending` rows are never dropped. */
const SETTLED_STATUSES = ['sent', 'delivered', 'read', 'failed', 'skipped'] as const

/**
 * Drops the outbox rows the sender is done with (sent, delivered, read, failed, skipped) that were
 * queued before `createdBefore`, a chunk of `chunk` rows per statement, so the table holds weeks,
 * not years (claims read only unsent rows, so this is for size, not speed). A broadcast's rows stay
 * while the broadcast does: its counts are read from them. Resolves to how many it dropped.
 */
export const dropSettledOutbox = async (
  db: DbOrTx,
  params: { createdBefore: Date; chunk?: number }
): Promise<number> => {
  const chunk = params.chunk ?? 5000
  const before = params.createdBefore.toISOString()
  // Ids grow with time: the first row queued after the cut-off bounds the rest by primary key.
  const [first] = rowsOf<{ id: string | number }>(
    await db.execute(sql`select id from outbox where created_at >= ${before}::timestamptz
      order by id limit 1`)
  )
  const bound = first === undefined ? null : Number(first.id)
  const statuses = sql.join(
    SETTLED_STATUSES.map((status) => sql`${status}`),
    sql`, `
  )
  let dropped = 0
  let after = 0
  for (;;) {
    const rows = rowsOf<{ id: string | number }>(
      await db.execute(sql`delete from outbox where id in (
          select o.id from outbox o
          where o.id > ${after} ${bound === null ? sql`` : sql`and o.id < ${bound}`}
            and o.status in (${statuses}) and o.created_at < ${before}::timestamptz
            and not exists (select 1 from broadcast_recipients r where r.outbox_id = o.id)
          order by o.id limit ${chunk})
        returning id`)
    )
    dropped += rows.length
    if (rows.length < chunk) return dropped
    after = Math.max(...rows.map((row) => Number(row.id)))
  }
}
