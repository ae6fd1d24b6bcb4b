/**
 * People's chat identities (docs/domain.md, decision 8): who a chat belongs to (with the help
 * contact a turn names), linking a chat to a person, and every chat of a person.
 * @module
 */
import { type SQL, type SQLWrapper, and, eq, sql } from 'drizzle-orm'
import type { ChannelName } from '../../domain/messages.js'
import type { DbOrTx } from '../client.js'
import { rowsOf } from '../raw.js'
import { cachedStatement } from '../statement.js'
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

/** Each column of `Person` comes back as `p_<column name>`. */
const PERSON_PREFIX = 'p_'

/**
 * One row (or none) of the person behind a chat identity, with the help contact (the first active
 * supervisor, by id, whose scope covers the person's region, never the person: `help_name`,
 * `help_phone`) and `unreachable`, for `from` or a lateral join; `personWithHelpFromRow` reads
 * it. The region and every region above it (`35.07.24.2001` → `35`, `35.07`, `35.07.24`, itself):
 * an equality on each, with the predicate of `people_active_supervisor_region_idx` written out,
 * reads only the supervisors of those regions. Written as "the person's code starts with the
 * supervisor's", no index applies and every turn read the whole people table.
 */
export function personWithHelpSql(channel: SQLWrapper, externalId: SQLWrapper): SQL {
  const columns = Object.values(personColumns).map(
    (column) =>
      sql`p.${sql.identifier(column.name)} as ${sql.identifier(PERSON_PREFIX + column.name)}`
  )
  return sql`(select ${sql.join(columns, sql`, `)},
      ci.unreachable_at is not null as unreachable, help.name as help_name, help.phone as help_phone
    from ${channelIdentities} ci
    join ${people} p on p.id = ci.person_id
    left join lateral (
      select h.name, h.phone from ${people} h
      where h.status = 'active' and 'supervisor' = any(h.roles)
        and h.region_code = any(array(
          select array_to_string((string_to_array(p.region_code, '.'))[1:n], '.')
          from generate_series(1, cardinality(string_to_array(p.region_code, '.'))) as n))
        and h.id <> p.id
      order by h.id
      limit 1) help on true
    where ci.channel = ${channel} and ci.external_id = ${externalId})`
}

/** The person of a row that holds `personWithHelpSql`'s columns (all null: no person). */
export function personWithHelpFromRow(row: Record<string, unknown>): PersonWithHelp | undefined {
  if (row[`${PERSON_PREFIX}id`] === null || row[`${PERSON_PREFIX}id`] === undefined) {
    return undefined
  }
  const person: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(personColumns)) {
    const value = row[PERSON_PREFIX + column.name]
    person[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value)
  }
  const helpName = row['help_name']
  return {
    ...(person as Person),
    help:
      typeof helpName === 'string'
        ? { name: helpName, phone: (row['help_phone'] as string | null) ?? null }
        : null,
    unreachable: row['unreachable'] === true,
  }
}

const personWithHelp = cachedStatement<FindPersonByIdentityParams>(
  () =>
    sql`select * from ${personWithHelpSql(sql.placeholder('channel'), sql.placeholder('externalId'))} person`
)

/**
 * `findPersonByIdentity` and, in the same statement, the person's help contact and whether a
 * send to this chat was refused (`unreachable`): see `personWithHelpSql`.
 */
export async function findPersonByIdentityWithHelp(
  db: DbOrTx,
  params: FindPersonByIdentityParams
): Promise<PersonWithHelp | undefined> {
  const [row] = rowsOf<Record<string, unknown>>(await personWithHelp(db, params))
  return row ? personWithHelpFromRow(row) : undefined
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
