/**
 * People's chat identities (docs/domain.md, decision 8): who a chat belongs to, linking a chat to
 * a person, and every chat of a person (what a turn reads of its chat: `chat-read.ts`).
 * @module
 */
import { and, eq, sql } from 'drizzle-orm'
import type { ChannelName } from '../../domain/messages.js'
import type { DbOrTx } from '../client.js'
import { channelIdentities, people } from '../schema/index.js'
import { type Person, personColumns } from './people.js'

/** Where a person can be reached: every chat identity linked to them. */
export const listIdentities = async (db: DbOrTx, personId: number) =>
  db
    .select({ channel: channelIdentities.channel, externalId: channelIdentities.externalId })
    .from(channelIdentities)
    .where(eq(channelIdentities.personId, personId))

export type FindPersonByIdentityParams = { channel: ChannelName; externalId: string }

/** The person behind a chat identity (a Telegram user id, a WhatsApp JID), if it is linked. */
export async function findPersonByIdentity(
  db: DbOrTx,
  params: FindPersonByIdentityParams
): Promise<Person | undefined> {
  const rows = await db
    .select(personColumns)
    .from(channelIdentities)
    .innerJoin(people, eq(people.id, channelIdentities.personId))
    .where(
      and(
        eq(channelIdentities.channel, params.channel),
        eq(channelIdentities.externalId, params.externalId)
      )
    )
  return rows[0]
}

/** Whom a person asks for help: the first active supervisor covering their region. */
export type HelpContact = { name: string; phone: string | null }

/** A linked chat's person with their help contact and whether a send to the chat was refused. */
export type PersonWithHelp = Person & { help: HelpContact | null; unreachable: boolean }

export type LinkIdentityParams = { personId: number; channel: ChannelName; externalId: string }

/** What `linkIdentity` did: a new link, a link moved from another person, or nothing. */
export type LinkIdentityResult = 'linked' | 'moved' | 'unchanged'

/**
 * Links a chat identity to a person, idempotently on `(channel, external_id)`: linking it again to
 * the same person changes nothing; an identity that belonged to another person moves to this one
 * (a number handed on to someone else, a registration approved for a new person).
 */
export async function linkIdentity(
  db: DbOrTx,
  params: LinkIdentityParams
): Promise<LinkIdentityResult> {
  const rows = await db
    .insert(channelIdentities)
    .values(params)
    .onConflictDoUpdate({
      target: [channelIdentities.channel, channelIdentities.externalId],
      set: { personId: sql`excluded.person_id` },
      setWhere: sql`${channelIdentities.personId} <> excluded.person_id`,
    })
    // xmax = 0 only on freshly inserted row versions; an unchanged link returns no row at all.
    .returning({ inserted: sql<boolean>`(xmax = 0)` })
  const row = rows[0]
  if (!row) return 'unchanged'
  return row.inserted ? 'linked' : 'moved'
}
