/**
 * Segments: how many people one reaches, and which of their chat identities a
 * message goes to. People who said BERHENTI, chats that have not consented to the current privacy
 * notice (docs/domain.md, decision 21), and identities their channel reported unreachable (Telegram
 * 403: blocked) get nothing and are recorded as skipped with the reason.
 * @module
 */
import type { ChannelName } from '../domain/messages.js'
import type { DbOrTx } from '../db/client.js'
import { type SegmentMember, countSegmentPeople } from '../db/queries/broadcasts.js'
import type { Segment, SkipReason } from '../domain/broadcasts.js'

/** The region an author may reach: a supervisor's own code; admins and the API have none. */
export type SegmentScope = { regionPrefix: string }

/**
 * How many active people a segment holds within the scope. Conditions are judged at `now`
 * (the database clock when absent), "last month" in `timeZone` (`TZ_NAME`).
 */
export async function countSegment(
  db: DbOrTx,
  segment: Segment,
  options: { scope?: SegmentScope; now?: Date; timeZone: string }
): Promise<number> {
  return countSegmentPeople(db, {
    segment,
    scopeCode: options.scope?.regionPrefix,
    at: options.now,
    timeZone: options.timeZone,
  })
}

export type Delivery = {
  personId: number
  name: string
  channel: ChannelName
  recipientId: string
}
export type Skip = { personId: number; reason: SkipReason }

/**
 * Splits a segment's members into deliveries (their newest identity that consented and can be
 * reached) and skips: BERHENTI first, then no identity at all, then no identity that consented,
 * then every consenting identity unreachable.
 */
export function pickRecipients(members: SegmentMember[]): { deliver: Delivery[]; skip: Skip[] } {
  const deliver: Delivery[] = []
  const skip: Skip[] = []
  for (const member of members) {
    if (member.optedOut) {
      skip.push({ personId: member.personId, reason: 'opted_out' })
      continue
    }
    if (member.identities.length === 0) {
      skip.push({ personId: member.personId, reason: 'no_identity' })
      continue
    }
    const consented = member.identities.filter((identity) => identity.consented)
    if (consented.length === 0) {
      skip.push({ personId: member.personId, reason: 'no_consent' })
      continue
    }
    const reachable = consented.find((identity) => !identity.unreachable)
    if (!reachable) {
      skip.push({ personId: member.personId, reason: 'unreachable' })
      continue
    }
    deliver.push({
      personId: member.personId,
      name: member.name,
      channel: reachable.channel,
      recipientId: reachable.externalId,
    })
  }
  return { deliver, skip }
}
