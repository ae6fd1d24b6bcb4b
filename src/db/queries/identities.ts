/**
 * People's chat identities (docs/domain.md, decision 8): who a chat belongs to (with the help
 * contact a turn names), linking a chat to a person, and every chat of a person.
 * @module
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
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

/**
 * `findPersonByIdentity` and, in the same statement, the person's help contact (the first active
 * supervisor, by id, whose scope covers the person's region, never the person) and whether a
 * send to this chat was refused (`unreachable`).
 */
export async function findPersonByIdentityWithHelp(
  db: DbOrTx,
  params: FindPersonByIdentityParams
): Promise<(Person & { help: HelpContact | null; unreachable: boolean }) | undefined> {
  const helper = alias(people, 'helper')
  // The region and every region above it (`35.07.24.2001` → `35`, `35.07`, `35.07.24`, itself):
  // an equality on each, with the predicate of `people_active_supervisor_region_idx` written out,
  // reads only the supervisors of those regions. Written as "the person's code starts with the
  // supervisor's", no index applies and every turn read the whole people table.
  const regionAndAbove = sql`array(
    select array_to_string((string_to_array(${people.regionCode}, '.'))[1:n], '.')
    from generate_series(1, cardinality(string_to_array(${people.regionCode}, '.'))) as n)`
  const help = db
    .select({ name: helper.name, phone: helper.phone })
    .from(helper)
    .where(
      and(
        sql`${helper.status} = 'active' and 'supervisor' = any(${helper.roles})`,
        sql`${helper.regionCode} = any(${regionAndAbove})`,
        sql`${helper.id} <> ${people.id}`
      )
    )
    .orderBy(asc(helper.id))
    .limit(1)
    .as('help')
  const rows = await db
    .select({
      ...personColumns,
      helpName: help.name,
      helpPhone: help.phone,
      unreachable: sql<boolean>`${channelIdentities.unreachableAt} is not null`,
    })
    .from(channelIdentities)
    .innerJoin(people, eq(people.id, channelIdentities.personId))
    .leftJoinLateral(help, sql`true`)
    .where(
      and(
        eq(channelIdentities.channel, params.channel),
        eq(channelIdentities.externalId, params.externalId)
      )
    )
  const row = rows[0]
  if (!row) return undefined
  const { helpName, helpPhone, ...person } = row
  return { ...person, help: helpName === null ? null : { name: helpName, phone: helpPhone } }
}

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
