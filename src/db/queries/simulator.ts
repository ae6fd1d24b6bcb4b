import { and, asc, eq, gt } from 'drizzle-orm'
import type { OutboundMessage } from '../../domain/messages.js'
import type { DbOrTx } from '../client.js'
import { simulatorInbox } from '../schema/index.js'

/** Stores one message delivered to a simulated person; returns its inbox id. */
export const deliverToSimulator = async (
  db: DbOrTx,
  params: { recipientId: string; message: OutboundMessage }
): Promise<number> => {
  const rows = await db.insert(simulatorInbox).values(params).returning({ id: simulatorInbox.id })
  return rows[0]!.id
}

export type ListSimulatorInboxParams = { recipientId: string; afterId: number; limit: number }

/** What a simulated person received after a cursor, in delivery order. */
export const listSimulatorInbox = async (db: DbOrTx, params: ListSimulatorInboxParams) =>
  db
    .select()
    .from(simulatorInbox)
    .where(
      and(eq(simulatorInbox.recipientId, params.recipientId), gt(simulatorInbox.id, params.afterId))
    )
    .orderBy(asc(simulatorInbox.id))
    .limit(params.limit)
