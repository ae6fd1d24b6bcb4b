/**
 * What every turn reads about its chat (`ChatRead`): the person behind the chat identity, with
 * their help contact and whether a send to the chat was refused, and the chat's latest consent
 * answer. The database function `chat_read` (migration 0019) reads it by statements planned once
 * per connection (docs/design.md P13): the turn's first statement selects from it
 * (`openTurn`), and `readChat` alone when that statement could not.
 * @module
 */
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm'
import type { ChannelName } from '../../domain/messages.js'
import type { ConsentAnswer } from '../../domain/consent.js'
import type { DbOrTx } from '../client.js'
import { rowsOf } from '../raw.js'
import { cachedStatement } from '../statement.js'
import { consentAnswerFromRow } from './consent.js'
import type { PersonWithHelp } from './identities.js'
import { type Person, personColumns } from './people.js'

/** What a turn reads about its chat: the person behind it and its latest consent answer. */
export type ChatRead = { person: PersonWithHelp | undefined; consent: ConsentAnswer | undefined }

/** Each column of `Person` comes back as `p_<column name>`. */
const PERSON_PREFIX = 'p_'

/**
 * `chat_read(channel, sender) as chat` in a `from` list, with the select list that names its
 * columns for `chatReadFromRow` (the person's as `p_<column>`, beside another table's `id`).
 */
export function chatReadSql(
  channel: SQLWrapper,
  senderId: SQLWrapper
): { from: SQL; columns: SQL } {
  const person = Object.values(personColumns).map(
    (column) =>
      sql`(chat.person).${sql.identifier(column.name)} as ${sql.identifier(PERSON_PREFIX + column.name)}`
  )
  return {
    from: sql`chat_read(${channel}, ${senderId}) as chat`,
    columns: sql`${sql.join(person, sql`, `)}, chat.unreachable, chat.help_name, chat.help_phone,
      chat.consent_given, chat.consent_notice_version`,
  }
}

/** The chat read of a row that holds `chatReadSql`'s columns. */
export function chatReadFromRow(row: Record<string, unknown>): ChatRead {
  return { person: personFromRow(row), consent: consentAnswerFromRow(row) }
}

function personFromRow(row: Record<string, unknown>): PersonWithHelp | undefined {
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

const chatReadStatement = cachedStatement<{ channel: ChannelName; senderId: string }>(() => {
  const chat = chatReadSql(sql.placeholder('channel'), sql.placeholder('senderId'))
  return sql`select ${chat.columns} from ${chat.from}`
})

/** The person behind a chat, with their help contact, and the chat's latest consent answer. */
export async function readChat(
  db: DbOrTx,
  params: { channel: ChannelName; senderId: string }
): Promise<ChatRead> {
  const [row] = rowsOf<Record<string, unknown>>(await chatReadStatement(db, params))
  return row ? chatReadFromRow(row) : { person: undefined, consent: undefined }
}
