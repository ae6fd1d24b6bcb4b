/**
 * Stores the demo (`buildDemoPlan`) in one transaction, with batched inserts into the app's own
 * tables, and marks it: the row `demo_seed` of `admin_settings` records the seed, the month and
 * the range of demo person ids. It never writes into a database that holds other people: an
 * empty database gets the demo; one that holds only the demo is left as it is; anything else is
 * refused (`DemoRefusedError`).
 * @module
 */
import { count, eq, gt, lt, or } from 'drizzle-orm'
import type { Db, DbOrTx } from '../db/client.js'
import { ensureDefaultProgramme } from '../db/queries/training-programmes.js'
import { listAllRegions } from '../db/queries/regions.js'
import { reserveVisitNumbers } from '../db/queries/visits.js'
import {
  adminSettings,
  attendance,
  broadcastRecipients,
  broadcasts,
  channelIdentities,
  cohorts,
  consents,
  enrollments,
  families,
  outbox,
  people,
  referrals,
  trainingSessions,
  visits,
} from '../db/schema/index.js'
import { seedRegions } from '../db/seed-regions.js'
import { personalize } from '../domain/broadcasts.js'
import { NOTICE_VERSION } from '../domain/consent.js'
import { PRIORITY } from '../domain/priorities.js'
import { buildRegionDirectory } from '../domain/regions.js'
import { visitReference } from '../domain/visits.js'
import { writeDemoStocks, writeKbDemo } from './kb.js'
import { writeRecapDemo } from './recap.js'
import { DEMO_MARKER_KEY, type DemoMarker, findDemoMarker } from './marker.js'
import { writeOutcomes } from './outcomes.js'
import { buildDemoPlan, type DemoPlan } from './plan.js'

export { DEMO_MARKER_KEY, type DemoMarker, demoMarkerSchema, findDemoMarker } from './marker.js'

/** Rows per insert statement. */
const BATCH = 500

/** What the database holds, as far as the demo is concerned. */
export type DemoTarget =
  { kind: 'empty' } | { kind: 'demo'; marker: DemoMarker } | { kind: 'foreign'; people: number }

/** Thrown when the database holds people who are not the demo's. */
export class DemoRefusedError extends Error {
  readonly code = 'DEMO_REFUSED' as const

  constructor(readonly people: number) {
    super(`the database holds ${people} people who are not demo data`)
    this.name = 'DemoRefusedError'
  }
}

/**
 * Whether the database is empty of people, holds only the demo, or holds other people (anyone
 * outside the marker's id range, or anyone at all without a marker).
 */
export async function checkDemoTarget(db: DbOrTx): Promise<DemoTarget> {
  const marker = await findDemoMarker(db)
  if (!marker) {
    const [row] = await db.select({ n: count() }).from(people)
    return row && row.n > 0 ? { kind: 'foreign', people: row.n } : { kind: 'empty' }
  }
  const [row] = await db
    .select({ n: count() })
    .from(people)
    .where(or(lt(people.id, marker.firstPersonId), gt(people.id, marker.lastPersonId)))
  return row && row.n > 0 ? { kind: 'foreign', people: row.n } : { kind: 'demo', marker }
}

/** The counts of what a seeding stored. */
export type DemoCounts = {
  people: number
  cadres: number
  supervisors: number
  mentors: number
  participants: number
  families: number
  visits: number
  referrals: number
  cohorts: number
  sessions: number
  enrollments: number
  attendance: number
  broadcastRecipients: number
}

/** The counts of a plan, as `seedDemo` stores them. */
export function countPlan(plan: DemoPlan): DemoCounts {
  const withRole = (role: string) => plan.people.filter((p) => p.roles.includes(role as never))
  return {
    people: plan.people.length,
    cadres: withRole('kader').length,
    supervisors: withRole('supervisor').length,
    mentors: withRole('mentor').length,
    participants: withRole('peserta').length,
    families: plan.families.length,
    visits: plan.visits.length,
    referrals: plan.referrals.length,
    cohorts: plan.cohorts.length,
    sessions: plan.sessions.length,
    enrollments: plan.enrollments.length,
    attendance: plan.attendance.length,
    broadcastRecipients: plan.broadcast.recipients.length,
  }
}

export type SeedDemoParams = { now: Date; seed?: number }

/** What `seedDemo` did: seeded now, or found the demo already there. */
export type SeedDemoResult =
  | { action: 'seeded'; plan: DemoPlan; counts: DemoCounts }
  | { action: 'already'; marker: DemoMarker }

/**
 * Seeds the regions (idempotent), then the demo of the month before `now` unless the database
 * already holds it. Throws `DemoRefusedError` when it holds anyone else.
 */
export async function seedDemo(db: Db, params: SeedDemoParams): Promise<SeedDemoResult> {
  const before = await checkDemoTarget(db)
  if (before.kind === 'foreign') throw new DemoRefusedError(before.people)
  if (before.kind === 'demo') return { action: 'already', marker: before.marker }

  await seedRegions(db)
  const plan = buildDemoPlan({
    regions: buildRegionDirectory(await listAllRegions(db)),
    now: params.now,
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
  })
  return db.transaction(async (tx) => {
    // The marker goes in first: a concurrent seeding conflicts on it and stops here.
    const claimed = await tx
      .insert(adminSettings)
      .values({ key: DEMO_MARKER_KEY, value: '{}' })
      .onConflictDoNothing({ target: adminSettings.key })
      .returning({ key: adminSettings.key })
    const [row] = await tx.select({ n: count() }).from(people)
    if (!claimed[0] || (row && row.n > 0)) throw new DemoRefusedError(row?.n ?? 0)
    const personIds = await writePlan(tx, plan, params.now)
    const recap = await writeRecapDemo(tx, { period: plan.period, personIds, now: params.now })
    await writeKbDemo(tx, { period: plan.period, personIds, now: params.now })
    await writeDemoStocks(tx, {
      period: plan.period,
      personIds,
      now: params.now,
      skip: recap ? [recap.complete, recap.blocked] : [],
    })
    const marker: DemoMarker = {
      version: 1,
      seed: plan.seed,
      period: plan.period,
      createdAt: params.now.toISOString(),
      firstPersonId: Math.min(...personIds),
      lastPersonId: Math.max(...personIds),
      people: personIds.length,
    }
    await tx
      .update(adminSettings)
      .set({ value: JSON.stringify(marker) })
      .where(eq(adminSettings.key, DEMO_MARKER_KEY))
    return { action: 'seeded' as const, plan, counts: countPlan(plan) }
  })
}

/** Inserts rows in batches and returns their new ids in the order of `values`. */
async function insertAll<T>(
  values: T[],
  insert: (batch: T[]) => Promise<{ id: number }[]>
): Promise<number[]> {
  const ids: number[] = []
  for (let i = 0; i < values.length; i += BATCH) {
    const returned = await insert(values.slice(i, i + BATCH))
    // Identity values are drawn in the order of the VALUES list, so sorted ids match it.
    ids.push(...returned.map((r) => r.id).sort((a, b) => a - b))
  }
  return ids
}

/** Writes every row of the plan; returns the demo person ids. */
async function writePlan(tx: DbOrTx, plan: DemoPlan, now: Date): Promise<number[]> {
  const programmeId = await ensureDefaultProgramme(tx)
  const personIds = await insertAll(plan.people, (batch) =>
    tx
      .insert(people)
      .values(
        batch.map((p) => ({
          name: p.name,
          phone: p.phone,
          roles: p.roles,
          regionCode: p.regionCode,
          birthYear: p.birthYear,
          cadreTier: p.cadreTier,
          createdAt: now,
          updatedAt: now,
        }))
      )
      .returning({ id: people.id })
  )
  const person = (index: number) => personIds[index]!

  const chats = plan.people.flatMap((p, i) => (p.chat ? [{ chat: p.chat, phone: p.phone, i }] : []))
  for (let i = 0; i < chats.length; i += BATCH) {
    const batch = chats.slice(i, i + BATCH)
    await tx.insert(channelIdentities).values(
      batch.map((c) => ({
        personId: person(c.i),
        channel: 'simulator' as const,
        externalId: c.chat,
        phone: c.phone,
        createdAt: now,
      }))
    )
    await tx.insert(consents).values(
      batch.map((c) => ({
        channel: 'simulator' as const,
        senderId: c.chat,
        personId: person(c.i),
        noticeVersion: NOTICE_VERSION,
        given: true,
        at: now,
      }))
    )
  }

  const familyIds = await insertAll(plan.families, (batch) =>
    tx
      .insert(families)
      .values(
        batch.map((f) => ({
          headName: f.headName,
          desaCode: f.desaCode,
          dusunRwRt: f.dusunRwRt,
          krs: f.krs,
          consentedAt: f.createdAt,
          createdBy: person(f.createdBy),
          createdAt: f.createdAt,
        }))
      )
      .returning({ id: families.id })
  )

  // References number the month's visits in the order they were reported.
  const order = plan.visits
    .map((visit, index) => ({ visit, index }))
    .sort((a, b) => a.visit.createdAt.getTime() - b.visit.createdAt.getTime() || a.index - b.index)
  const references = new Map<number, string>()
  const sequences = new Map<string, number>()
  for (const { visit, index } of order) {
    const period = visit.visitDate.slice(0, 7)
    const next = (sequences.get(period) ?? 0) + 1
    sequences.set(period, next)
    references.set(index, visitReference(visit.visitDate, next))
  }
  const visitIds = await insertAll(
    plan.visits.map((visit, index) => ({ visit, index })),
    (batch) =>
      tx
        .insert(visits)
        .values(
          batch.map(({ visit: v, index }) => ({
            reference: references.get(index)!,
            cadreId: person(v.cadre),
            familyId: familyIds[v.family]!,
            desaCode: v.desaCode,
            visitDate: v.visitDate,
            period: v.visitDate.slice(0, 7),
            sasaran: v.sasaran,
            kbStatus: v.kbStatus,
            kbMethod: v.kbMethod,
            kbIntent: v.kbIntent,
            risk4t: v.risk4t,
            envRisks: v.envRisks,
            lila: v.lila,
            hb: v.hb,
            actions: v.actions,
            lat: v.lat,
            lng: v.lng,
            status: v.status,
            createdAt: v.createdAt,
          }))
        )
        .returning({ id: visits.id })
  )
  for (const [index, visit] of plan.visits.entries()) {
    if (visit.duplicateOf === null) continue
    await tx
      .update(visits)
      .set({ duplicateOf: visitIds[visit.duplicateOf]! })
      .where(eq(visits.id, visitIds[index]!))
  }
  for (const [period, last] of sequences) {
    await reserveVisitNumbers(tx, { period, atLeast: last })
  }
  await insertAll(plan.referrals, (batch) =>
    tx
      .insert(referrals)
      .values(
        batch.map((r) => {
          const visit = plan.visits[r.visit]!
          return {
            visitId: visitIds[r.visit]!,
            familyId: familyIds[visit.family]!,
            cadreId: person(visit.cadre),
            desaCode: visit.desaCode,
            target: r.target,
            reason: r.reason,
            followUpDate: r.followUpDate,
            status: r.status,
            closedAt: r.closedAt,
            createdAt: visit.createdAt,
          }
        })
      )
      .returning({ id: referrals.id })
  )

  const cohortIds = await insertAll(plan.cohorts, (batch) =>
    tx
      .insert(cohorts)
      .values(
        batch.map((c) => ({
          programmeId,
          code: c.code,
          kecamatanCode: c.kecamatanCode,
          track: c.track,
          mentorId: person(c.mentor),
          createdAt: now,
        }))
      )
      .returning({ id: cohorts.id })
  )
  const sessionIds = await insertAll(plan.sessions, (batch) =>
    tx
      .insert(trainingSessions)
      .values(
        batch.map((s) => ({
          cohortId: cohortIds[s.cohort]!,
          date: s.date,
          startsAt: s.startsAt,
          endsAt: s.endsAt,
          venue: s.venue,
          lat: s.lat,
          lng: s.lng,
          topic: s.topic,
          checkinMode: 'kode' as const,
          checkinCode: s.checkinCode,
          createdAt: now,
        }))
      )
      .returning({ id: trainingSessions.id })
  )
  const enrollmentIds = await insertAll(plan.enrollments, (batch) =>
    tx
      .insert(enrollments)
      .values(
        batch.map((e) => ({
          cohortId: cohortIds[e.cohort]!,
          personId: person(e.person),
          birthYear: e.birthYear,
          minor: false,
          status: e.status,
          createdAt: e.enrolledAt,
        }))
      )
      .returning({ id: enrollments.id })
  )
  await insertAll(plan.attendance, (batch) =>
    tx
      .insert(attendance)
      .values(
        batch.map((a) => ({
          sessionId: sessionIds[a.session]!,
          personId: person(a.person),
          status: a.status,
          method: a.method,
          reason: a.reason,
          recordedBy: a.recordedBy === null ? null : person(a.recordedBy),
          at: a.at,
        }))
      )
      .returning({ id: attendance.id })
  )

  await writeBroadcast(tx, plan, person)
  await writeOutcomes(tx, {
    outcomes: plan.outcomes,
    cohorts: plan.cohorts,
    enrollments: plan.enrollments,
    person,
    cohortIds,
    enrollmentIds,
  })
  return personIds
}

/** The finished broadcast: its row, one bulk outbox row per reached cadre, the recipients. */
async function writeBroadcast(
  tx: DbOrTx,
  plan: DemoPlan,
  person: (index: number) => number
): Promise<void> {
  const b = plan.broadcast
  const [row] = await tx
    .insert(broadcasts)
    .values({
      authorPersonId: person(b.author),
      authorSource: 'chat',
      segment: { roles: ['kader'] },
      scopeCode: null,
      text: b.text,
      at: b.at,
      status: 'done',
      recipients: b.recipients.length,
      progressReported: b.recipients.filter((r) => r.outcome !== 'no_identity').length,
      createdAt: b.at,
      fannedOutAt: b.at,
      finishedAt: b.finishedAt,
    })
    .returning({ id: broadcasts.id })
  const broadcastId = row!.id
  const reached = b.recipients.filter((r) => r.outcome !== 'no_identity')
  const outboxIds = await insertAll(reached, (batch) =>
    tx
      .insert(outbox)
      .values(
        batch.map((r) => {
          const p = plan.people[r.person]!
          return {
            channel: 'simulator' as const,
            recipientId: p.chat!,
            priority: PRIORITY.bulk,
            message: { text: personalize(b.text, p.name) },
            status: r.outcome === 'sent' ? ('sent' as const) : ('failed' as const),
            attempts: r.outcome === 'sent' ? 1 : 5,
            notBefore: b.at,
            personId: person(r.person),
            lastError: r.outcome === 'sent' ? null : 'demo: not delivered',
            createdAt: b.at,
            sentAt: r.outcome === 'sent' ? b.finishedAt : null,
          }
        })
      )
      .returning({ id: outbox.id })
  )
  const outboxOf = new Map(reached.map((r, i) => [r.person, outboxIds[i]!]))
  for (let i = 0; i < b.recipients.length; i += BATCH) {
    await tx.insert(broadcastRecipients).values(
      b.recipients.slice(i, i + BATCH).map((r) => ({
        broadcastId,
        personId: person(r.person),
        channel: r.outcome === 'no_identity' ? null : ('simulator' as const),
        outboxId: outboxOf.get(r.person) ?? null,
        skipReason: r.outcome === 'no_identity' ? ('no_identity' as const) : null,
      }))
    )
  }
}
