/**
 * Who may be written to (docs/domain.md, decision 21, docs/design.md P6): the SQL form of
 * `hasCurrentConsent` (`domain/consent.ts`), for the queries that pick recipients and for the
 * outbox sender, so every path that sends to a person obeys the same rule.
 * @module
 */
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm'
import type { ChannelName } from '../../domain/messages.js'
import { NOTICE_VERSION, hasCurrentConsent } from '../../domain/consent.js'
import type { DbOrTx } from '../client.js'
import { consents } from '../schema/index.js'
import { findLatestConsent } from './people.js'

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

/** Whether one chat may get what is not a reply to it (`hasCurrentConsent`). */
export async function chatMayReceive(
  db: DbOrTx,
  chat: { channel: ChannelName; externalId: string }
): Promise<boolean> {
  return hasCurrentConsent(
    await findLatestConsent(db, { channel: chat.channel, senderId: chat.externalId })
  )
}
