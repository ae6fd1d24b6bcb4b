/**
 * Who may be written to (docs/domain.md, decision 21, docs/design.md P6): the SQL form of
 * `hasCurrentConsent` (`domain/consent.ts`), for the queries that pick recipients and for the
 * outbox sender, so every path that sends to a person obeys the same rule; and the consents
 * themselves, recorded and read per chat.
 * @module
 */
import { type SQL, type SQLWrapper, and, desc, eq, sql } from 'drizzle-orm'
import type { ChannelName } from '../../domain/messages.js'
import { type ConsentAnswer, NOTICE_VERSION, hasCurrentConsent } from '../../domain/consent.js'
import type { DbOrTx } from '../client.js'
import { consents } from '../schema/index.js'

/**
 * `true` when the chat (`channel`, `externalId`: columns or values) has accepted the current
 * privacy notice in its latest answer; `false` when it refused, answered an older notice or never
 * answered. One index probe (`consents_sender_idx`) per chat.
 */
export function chatHasCurrentConsent(channel: SQLWrapper, externalId: SQLWrapper): SQL<boolean> {
  const latest = sql`(select ${consents.given} and ${consents.noticeVersion} = ${NOTICE_VERSION}
    from ${consents}
    where ${consents.channel} = ${channel} and ${consents.senderId} = ${externalId}
    order by ${consents.id} desc limit 1)`
  return sql<boolean>`coalesce(${latest}, false)`
}

/**
 * The answer of a row with `consent_given` and `consent_notice_version` (`chat_read`'s; null: the
 * chat never answered).
 */
export function consentAnswerFromRow(row: Record<string, unknown>): ConsentAnswer | undefined {
  const given = row['consent_given']
  const noticeVersion = row['consent_notice_version']
  if (typeof given !== 'boolean' || typeof noticeVersion !== 'string') return undefined
  return { given, noticeVersion }
}

/** Whether one chat may get what is not a reply to it (`hasCurrentConsent`). */
export async function chatMayReceive(
  db: DbOrTx,
  chat: { channel: ChannelName; externalId: string }
): Promise<boolean> {
  return hasCurrentConsent(
    await findLatestConsent(db, { channel: chat.channel, senderId: chat.externalId })
  )
}

/** One row of `consents`. */
export type Consent = {
  id: number
  channel: ChannelName
  senderId: string
  personId: number | null
  noticeVersion: string
  given: boolean
  at: Date
}

const consentColumns = {
  id: consents.id,
  channel: consents.channel,
  senderId: consents.senderId,
  personId: consents.personId,
  noticeVersion: consents.noticeVersion,
  given: consents.given,
  at: consents.at,
}

export type RecordConsentParams = {
  channel: ChannelName
  senderId: string
  personId?: number
  noticeVersion: string
  given: boolean
  at: Date
}

/** Appends a consent answer (given or refused) for a chat identity; the latest row counts. */
export async function recordConsent(db: DbOrTx, params: RecordConsentParams): Promise<Consent> {
  const rows = await db
    .insert(consents)
    .values({ ...params, personId: params.personId ?? null })
    .returning(consentColumns)
  return rows[0]!
}

export type FindLatestConsentParams = { channel: ChannelName; senderId: string }

/** The latest consent answer of a chat identity (by insertion order), if it ever answered. */
export async function findLatestConsent(
  db: DbOrTx,
  params: FindLatestConsentParams
): Promise<Consent | undefined> {
  const rows = await db
    .select(consentColumns)
    .from(consents)
    .where(and(eq(consents.channel, params.channel), eq(consents.senderId, params.senderId)))
    .orderBy(desc(consents.id))
    .limit(1)
  return rows[0]
}
