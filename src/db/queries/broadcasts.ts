/**
 * Broadcast rows: segments as SQL, the broadcast and its recipients, progress counted
 * from the outbox rows that carry the messages, and the nudge rules.
 * @module
 */
import { type SQL, and, asc, desc, eq, gt, gte, inArray, isNotNull, or, sql } from 'drizzle-orm'
import type { ChannelName, OutboundMessage } from '../../domain/messages.js'
import type { BroadcastStatus, Segment, SkipReason } from '../../domain/broadcasts.js'
import type { DbOrTx } from '../client.js'
import {
  broadcastRecipients,
  broadcasts,
  channelIdentities,
  cohorts,
  nudgeRules,
  outbox,
  people,
} from '../schema/index.js'
import { chatHasCurrentConsent } from './consent.js'
import { withinCode } from './regions.js'

/** The channel reported this chat unreachable (Telegram 403) and they have not written since. */
const unreachableIdentity = sql<boolean>`(${channelIdentities.unreachableAt} is not null)`

export type SegmentFilterParams = {
  segment: Segment
  /** The author's region scope (docs/domain.md, decision 4); absent for admins and the API. */
  scopeCode?: string | null
  /** The moment conditions are judged at; the database clock when absent. */
  at?: Date
  /** The zone of "last month" (`TZ_NAME`). */
  timeZone: string
}

/**
 * The conditions on `people` that select a segment: active people matching every given part.
 * Roles match any of the listed; a cohort or programme means its active participants;
 * `absent_last_session`: not checked in (nor excused) at the last session their cohort held;
 * `no_visit_7_days`: no visit report (not withdrawn) created in the 7 days before `at`;
 * `no_report_last_month`: no visit (not withdrawn) nor Poktan activity (not replaced by a
 * correction) on the month before `at`'s month in `timeZone`, the month whose register is due.
 */
export function segmentFilter(params: SegmentFilterParams): SQL {
  const { segment } = params
  const at = params.at ? sql`${params.at.toISOString()}::timestamptz` : sql`now()`
  const parts: SQL[] = [eq(people.status, 'active')]
  if (segment.roles) {
    parts.push(
      sql`${people.roles} && array[${sql.join(
        segment.roles.map((r) => sql`${r}`),
        sql`, `
      )}]::text[]`
    )
  }
  if (segment.region) parts.push(withinCode(people.regionCode, segment.region))
  if (params.scopeCode) parts.push(withinCode(people.regionCode, params.scopeCode))
  if (segment.cohort) {
    parts.push(sql`exists (
      select 1 from enrollments e join cohorts c on c.id = e.cohort_id
      where e.person_id = ${people.id} and e.status = 'active' and c.code = ${segment.cohort})`)
  }
  if (segment.programme) {
    parts.push(sql`exists (
      select 1 from enrollments e join cohorts c on c.id = e.cohort_id
        join programmes p on p.id = c.programme_id
      where e.person_id = ${people.id} and e.status = 'active' and p.code = ${segment.programme})`)
  }
  if (segment.condition === 'no_visit_7_days') {
    parts.push(sql`not exists (
      select 1 from visits v
      where v.cadre_id = ${people.id} and v.status = 'submitted'
        and v.created_at > ${at} - interval '7 days' and v.created_at <= ${at})`)
  }
  if (segment.condition === 'no_report_last_month') {
    const month = sql`to_char((${at} at time zone ${params.timeZone}) - interval '1 month', 'YYYY-MM')`
    parts.push(sql`not exists (
      select 1 from visits v
      where v.cadre_id = ${people.id} and v.status = 'submitted' and v.period = ${month})
      and not exists (
      select 1 from poktan_activities a
      where a.cadre_id = ${people.id} and a.state <> 'corrected' and a.period = ${month})`)
  }
  if (segment.condition === 'absent_last_session') {
    parts.push(sql`exists (
      select 1 from enrollments e
      join lateral (
        select ts.id from training_sessions ts
        where ts.cohort_id = e.cohort_id and not ts.cancelled and ts.ends_at <= ${at}
        order by ts.starts_at desc limit 1
      ) last_session on true
      where e.person_id = ${people.id} and e.status = 'active'
        and not exists (
          select 1 from attendance a
          where a.session_id = last_session.id and a.person_id = ${people.id}
            and a.status in ('present', 'late', 'izin')))`)
  }
  return and(...parts)!
}

/** How many people a segment reaches within a scope. */
export async function countSegmentPeople(db: DbOrTx, params: SegmentFilterParams): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(people)
    .where(segmentFilter(params))
  return row?.n ?? 0
}

export type SegmentMember = {
  personId: number
  name: string
  optedOut: boolean
  /**
   * The person's chat identities, newest first, each with whether the channel gave up on it and
   * whether it consented to the current privacy notice.
   */
  identities: {
    channel: ChannelName
    externalId: string
    unreachable: boolean
    consented: boolean
  }[]
}

/** The people of a segment with their chat identities, by person id. */
export async function listSegmentMembers(
  db: DbOrTx,
  params: SegmentFilterParams
): Promise<SegmentMember[]> {
  const rows = await db
    .select({
      personId: people.id,
      name: people.name,
      optedOutAt: people.optedOutAt,
      channel: channelIdentities.channel,
      externalId: channelIdentities.externalId,
      unreachable: unreachableIdentity,
      consented: chatHasCurrentConsent(channelIdentities.channel, channelIdentities.externalId),
    })
    .from(people)
    .leftJoin(channelIdentities, eq(channelIdentities.personId, people.id))
    .where(segmentFilter(params))
    .orderBy(asc(people.id), desc(channelIdentities.id))
  const members: SegmentMember[] = []
  for (const row of rows) {
    let member = members.at(-1)
    if (member?.personId !== row.personId) {
      member = {
        personId: row.personId,
        name: row.name,
        optedOut: row.optedOutAt !== null,
        identities: [],
      }
      members.push(member)
    }
    if (row.channel !== null && row.externalId !== null) {
      member.identities.push({
        channel: row.channel,
        externalId: row.externalId,
        unreachable: row.unreachable,
        consented: row.consented,
      })
    }
  }
  return members
}

/**
 * The cohorts a broadcast author may address: all for admins, else those of a kecamatan within
 * the scope or containing it (a desa supervisor reaches their kecamatan's cohort, narrowed to
 * their desa by the scope when sent). By code.
 */
export async function listCohortsInScope(
  db: DbOrTx,
  params: { scopeCode?: string | null }
): Promise<{ code: string; kecamatanCode: string; track: string }[]> {
  const scope = params.scopeCode
  return db
    .select({ code: cohorts.code, kecamatanCode: cohorts.kecamatanCode, track: cohorts.track })
    .from(cohorts)
    .where(
      scope
        ? or(
            withinCode(cohorts.kecamatanCode, scope),
            sql`${scope} like ${cohorts.kecamatanCode} || '.%'`
          )
        : undefined
    )
    .orderBy(asc(cohorts.code))
}

export type BroadcastRow = typeof broadcasts.$inferSelect
export type InsertBroadcastParams = typeof broadcasts.$inferInsert

export async function insertBroadcast(
  db: DbOrTx,
  params: InsertBroadcastParams
): Promise<BroadcastRow> {
  const [row] = await db.insert(broadcasts).values(params).returning()
  return row!
}

export async function findBroadcast(db: DbOrTx, id: number): Promise<BroadcastRow | undefined> {
  const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id))
  return row
}

/** Locks a broadcast row for a status change (fan-out, cancel, the final report). */
export async function lockBroadcast(db: DbOrTx, id: number): Promise<BroadcastRow | undefined> {
  const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id)).for('update')
  return row
}

export async function updateBroadcast(
  db: DbOrTx,
  id: number,
  values: Partial<
    Pick<
      BroadcastRow,
      'status' | 'recipients' | 'progressReported' | 'fannedOutAt' | 'finishedAt' | 'cancelledAt'
    >
  >
): Promise<void> {
  await db.update(broadcasts).set(values).where(eq(broadcasts.id, id))
}

export type BroadcastMessage = {
  personId: number
  channel: ChannelName
  recipientId: string
  message: OutboundMessage
}

/**
 * Queues one bulk message per recipient and links each to its recipient row, in batches (a
 * broadcast to thousands stays a few statements).
 */
export async function enqueueBroadcastMessages(
  db: DbOrTx,
  params: { broadcastId: number; priority: number; messages: BroadcastMessage[] }
): Promise<void> {
  const BATCH = 500
  for (let i = 0; i < params.messages.length; i += BATCH) {
    const batch = params.messages.slice(i, i + BATCH)
    const queued = await db
      .insert(outbox)
      .values(
        batch.map((m) => ({
          channel: m.channel,
          recipientId: m.recipientId,
          priority: params.priority,
          message: m.message,
          // The sender skips the row if they say BERHENTI before it goes out.
          personId: m.personId,
        }))
      )
      .returning({ id: outbox.id, channel: outbox.channel, recipientId: outbox.recipientId })
    // A chat identity belongs to one person, so (channel, recipient) names the row.
    const ids = new Map(queued.map((q) => [`${q.channel}:${q.recipientId}`, q.id]))
    await db.insert(broadcastRecipients).values(
      batch.map((m) => ({
        broadcastId: params.broadcastId,
        personId: m.personId,
        channel: m.channel,
        outboxId: ids.get(`${m.channel}:${m.recipientId}`)!,
      }))
    )
  }
}

/** Records the people a broadcast skipped, with the reason. */
export async function insertSkippedRecipients(
  db: DbOrTx,
  params: { broadcastId: number; skipped: { personId: number; reason: SkipReason }[] }
): Promise<void> {
  const BATCH = 1000
  for (let i = 0; i < params.skipped.length; i += BATCH) {
    await db.insert(broadcastRecipients).values(
      params.skipped.slice(i, i + BATCH).map((s) => ({
        broadcastId: params.broadcastId,
        personId: s.personId,
        skipReason: s.reason,
      }))
    )
  }
}

export type BroadcastCounts = {
  recipients: number
  sent: number
  failed: number
  /** Got nothing: skipped for a reason, or dropped by a cancellation. */
  skipped: number
  /** Still queued or being sent. */
  pending: number
  skippedByReason: Record<SkipReason, number>
  /** Of `skipped`: still queued when the broadcast was cancelled. */
  cancelled: number
}

/** Counts a fanned-out broadcast's recipients by the state of their message. */
export async function countBroadcastRecipients(
  db: DbOrTx,
  broadcastId: number
): Promise<BroadcastCounts> {
  const rows = await db
    .select({
      skipReason: broadcastRecipients.skipReason,
      status: outbox.status,
      outboxSkipReason: outbox.skipReason,
      n: sql<number>`count(*)::int`,
    })
    .from(broadcastRecipients)
    .leftJoin(outbox, eq(outbox.id, broadcastRecipients.outboxId))
    .where(eq(broadcastRecipients.broadcastId, broadcastId))
    .groupBy(broadcastRecipients.skipReason, outbox.status, outbox.skipReason)
  const counts: BroadcastCounts = {
    recipients: 0,
    sent: 0,
    failed: 0,
    skipped: 0,
    pending: 0,
    skippedByReason: { opted_out: 0, unreachable: 0, no_identity: 0, no_consent: 0 },
    cancelled: 0,
  }
  for (const row of rows) {
    counts.recipients += row.n
    if (row.skipReason !== null) {
      counts.skipped += row.n
      counts.skippedByReason[row.skipReason] += row.n
    } else if (row.status === 'sent' || row.status === 'delivered' || row.status === 'read') {
      counts.sent += row.n
    } else if (row.status === 'failed') {
      counts.failed += row.n
    } else if (row.status === 'skipped' && row.outboxSkipReason === 'cancelled') {
      counts.skipped += row.n
      counts.cancelled += row.n
    } else if (row.status === 'skipped') {
      // The sender skipped it: after fan-out they said BERHENTI, their chat withdrew its consent
      // (a new notice), or the chat became unreachable.
      counts.skipped += row.n
      const reason =
        row.outboxSkipReason === 'opted_out' || row.outboxSkipReason === 'no_consent'
          ? row.outboxSkipReason
          : 'unreachable'
      counts.skippedByReason[reason] += row.n
    } else {
      counts.pending += row.n
    }
  }
  return counts
}

/**
 * Drops the messages of a broadcast cancelled while being sent that still wait in the queue;
 * those a sender holds (`sending`) go out. Resolves to how many were dropped.
 */
export async function skipQueuedBroadcastMessages(
  db: DbOrTx,
  broadcastId: number
): Promise<number> {
  const messages = db
    .select({ id: broadcastRecipients.outboxId })
    .from(broadcastRecipients)
    .where(
      and(eq(broadcastRecipients.broadcastId, broadcastId), isNotNull(broadcastRecipients.outboxId))
    )
  const rows = await db
    .update(outbox)
    .set({ status: 'skipped', skipReason: 'cancelled', leaseUntil: null })
    .where(and(eq(outbox.status, 'queued'), inArray(outbox.id, messages)))
    .returning({ id: outbox.id })
  return rows.length
}

export type ListBroadcastsParams = {
  limit: number
  /** Only broadcasts with a larger id (the cursor). */
  afterId?: number
  /** Only broadcasts created at or after this time. */
  since?: Date
  authorPersonId?: number
  /** Only broadcasts in one of these states. */
  status?: BroadcastStatus | readonly BroadcastStatus[]
  /**
   * Only broadcasts whose reach (segment region, else the author's scope, else the kabupaten)
   * lies within this region: what a kecamatan API token may follow.
   */
  regionPrefix?: string
}

/** Broadcasts by id, oldest first, for the API's pages and the author's scheduled list. */
export async function listBroadcastRows(
  db: DbOrTx,
  params: ListBroadcastsParams
): Promise<BroadcastRow[]> {
  const where: SQL[] = []
  if (params.afterId !== undefined) where.push(gt(broadcasts.id, params.afterId))
  if (params.since) where.push(gte(broadcasts.createdAt, params.since))
  if (params.authorPersonId !== undefined) {
    where.push(eq(broadcasts.authorPersonId, params.authorPersonId))
  }
  if (typeof params.status === 'string') where.push(eq(broadcasts.status, params.status))
  else if (params.status) where.push(inArray(broadcasts.status, [...params.status]))
  if (params.regionPrefix !== undefined) {
    const reach = sql`coalesce(${broadcasts.segment}->>'region', ${broadcasts.scopeCode}, '35.07')`
    where.push(
      sql`(${reach} = ${params.regionPrefix} or ${reach} like ${params.regionPrefix} || '.%')`
    )
  }
  return db
    .select()
    .from(broadcasts)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(asc(broadcasts.id))
    .limit(params.limit)
}

/** Broadcasts being sent, for the progress check. */
export async function listSendingBroadcastIds(db: DbOrTx): Promise<number[]> {
  const rows = await db
    .select({ id: broadcasts.id })
    .from(broadcasts)
    .where(and(eq(broadcasts.status, 'sending'), isNotNull(broadcasts.fannedOutAt)))
  return rows.map((r) => r.id)
}

// === Nudge rules

export type NudgeRuleRow = typeof nudgeRules.$inferSelect
export type NudgeRuleParams = {
  code: string
  cron: string
  segment: Segment
  messageKey: string
  enabled?: boolean
}

/** Adds a rule unless one with its code exists (seeding never overwrites an admin's edit). */
export async function insertNudgeRuleIfAbsent(db: DbOrTx, params: NudgeRuleParams): Promise<void> {
  await db.insert(nudgeRules).values(params).onConflictDoNothing({ target: nudgeRules.code })
}

export async function createNudgeRule(db: DbOrTx, params: NudgeRuleParams): Promise<NudgeRuleRow> {
  const [row] = await db.insert(nudgeRules).values(params).returning()
  return row!
}

export async function listNudgeRules(
  db: DbOrTx,
  params: { enabledOnly?: boolean } = {}
): Promise<NudgeRuleRow[]> {
  return db
    .select()
    .from(nudgeRules)
    .where(params.enabledOnly ? eq(nudgeRules.enabled, true) : undefined)
    .orderBy(asc(nudgeRules.id))
}

export async function findNudgeRule(db: DbOrTx, id: number): Promise<NudgeRuleRow | undefined> {
  const [row] = await db.select().from(nudgeRules).where(eq(nudgeRules.id, id))
  return row
}

export type UpdateNudgeRuleParams = Partial<
  Pick<NudgeRuleParams, 'cron' | 'segment' | 'messageKey' | 'enabled'>
> & { now: Date }

/** Changes a rule (an admin's edit); the next run is planned from the new cron by the caller. */
export async function updateNudgeRule(
  db: DbOrTx,
  id: number,
  params: UpdateNudgeRuleParams
): Promise<NudgeRuleRow | undefined> {
  const { now, ...values } = params
  const [row] = await db
    .update(nudgeRules)
    .set({ ...values, updatedAt: now })
    .where(eq(nudgeRules.id, id))
    .returning()
  return row
}
