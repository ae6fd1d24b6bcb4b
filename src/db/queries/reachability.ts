/**
 * Who the bot can reach now (docs/domain.md, decision 20): a person is reachable through a chat
 * identity that accepted the current privacy notice (`chatHasCurrentConsent`, the consent rule of
 * `domain/consent.ts`), that the channel has not reported unreachable, while the person has not
 * said BERHENTI. Notices to anyone else wait (`holdMessages`), and the dashboard lists them.
 * @module
 */
import { and, asc, desc, eq, exists, inArray, isNotNull, isNull, not, or, sql } from 'drizzle-orm'
import type { ChannelName } from '../../domain/messages.js'
import type { Role } from '../../domain/people.js'
import type { DbOrTx } from '../client.js'
import { channelIdentities, outbox, people, regions } from '../schema/index.js'
import type { AdminScope } from './admin-visits.js'
import { chatHasCurrentConsent } from './consent.js'
import { withinCode } from './regions.js'

export type Chat = { channel: ChannelName; externalId: string }

const consented = chatHasCurrentConsent(channelIdentities.channel, channelIdentities.externalId)

/** A chat identity that can be written to now; the person is checked by the caller's join. */
const reachableIdentity = and(consented, isNull(channelIdentities.unreachableAt))

/**
 * The chats a person can be reached in now (none: their notices wait). With `only`, just that
 * chat, if it is one of them.
 */
export async function listReachableChats(
  db: DbOrTx,
  personId: number,
  only?: Chat
): Promise<Chat[]> {
  return db
    .select({ channel: channelIdentities.channel, externalId: channelIdentities.externalId })
    .from(channelIdentities)
    .innerJoin(people, eq(people.id, channelIdentities.personId))
    .where(
      and(
        eq(channelIdentities.personId, personId),
        isNull(people.optedOutAt),
        reachableIdentity,
        only && eq(channelIdentities.channel, only.channel),
        only && eq(channelIdentities.externalId, only.externalId)
      )
    )
    .orderBy(asc(channelIdentities.id))
}

/**
 * Why a person cannot be reached, in the order the dashboard checks: they said BERHENTI, never
 * wrote to the bot (no chat identity), never accepted the current notice in any chat, or every
 * consenting chat was refused by the channel (Telegram 403, a WhatsApp number gone).
 */
export const UNREACHABLE_REASONS = [
  'opted_out',
  'never_wrote',
  'no_consent',
  'channel_error',
] as const
export type UnreachableReason = (typeof UNREACHABLE_REASONS)[number]

export type UnreachablePersonRow = {
  id: number
  name: string
  roles: Role[]
  regionName: string
  reason: UnreachableReason
  /** Notices kept for them until they can be reached. */
  waiting: number
  /** How many people the whole list has (the page shows at most `limit`). */
  total: number
}

/**
 * The active and pending people within the scope the bot cannot reach now, with why and how many
 * notices wait for them: those with waiting notices first, then by name.
 */
export async function listUnreachablePeople(
  db: DbOrTx,
  params: { scope: AdminScope; limit: number }
): Promise<UnreachablePersonRow[]> {
  const identityOf = (...conditions: Parameters<typeof and>) =>
    exists(
      db
        .select({ one: sql`1` })
        .from(channelIdentities)
        .where(and(eq(channelIdentities.personId, people.id), ...conditions))
    )
  const waiting = sql<number>`(select count(*) from ${outbox}
    where ${outbox.personId} = ${people.id} and ${outbox.status} = 'waiting')::int`
  const reason = sql<UnreachableReason>`case
    when ${isNotNull(people.optedOutAt)} then 'opted_out'
    when not ${identityOf()} then 'never_wrote'
    when not ${identityOf(consented)} then 'no_consent'
    else 'channel_error' end`
  return db
    .select({
      id: people.id,
      name: people.name,
      roles: people.roles,
      regionName: regions.name,
      reason,
      waiting,
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(people)
    .innerJoin(regions, eq(regions.code, people.regionCode))
    .where(
      and(
        withinCode(people.regionCode, params.scope.regionPrefix),
        inArray(people.status, ['active', 'pending']),
        or(isNotNull(people.optedOutAt), not(identityOf(reachableIdentity)))
      )
    )
    .orderBy(desc(waiting), asc(people.name), asc(people.id))
    .limit(params.limit)
}
