import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { channelIdentities } from '../schema/index.js'

/** Where a person can be reached: every chat identity linked to them. */
export const listIdentities = async (db: DbOrTx, personId: number) =>
  db
    .select({ channel: channelIdentities.channel, externalId: channelIdentities.externalId })
    .from(channelIdentities)
    .where(eq(channelIdentities.personId, personId))
