/**
 * The training's cohorts (docs/domain.md#the-training-programme): upserted by the imports, found
 * by code, and their active participants.
 * @module
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import type { SkillTrack } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import { cohorts, enrollments, people } from '../schema/index.js'
import type { UpsertAction } from './people.js'

export type UpsertCohortParams = {
  /** Used only when the cohort is new; an existing cohort stays in its programme. */
  programmeId: number
  code: string
  kecamatanCode: string
  track: SkillTrack
  mentorId: number | null
}

/** The cohort an upsert left in the database, and what it did. */
export type UpsertCohortResult = { id: number; action: UpsertAction }

/**
 * Inserts a cohort, or updates the kecamatan, track and mentor of the cohort with this code, in
 * one statement. `unchanged` when the stored cohort already had those values.
 */
export async function upsertCohort(
  db: DbOrTx,
  params: UpsertCohortParams
): Promise<UpsertCohortResult> {
  const rows = await db
    .insert(cohorts)
    .values(params)
    .onConflictDoUpdate({
      target: cohorts.code,
      set: {
        kecamatanCode: sql`excluded.kecamatan_code`,
        track: sql`excluded.track`,
        mentorId: sql`excluded.mentor_id`,
      },
      setWhere: sql`(cohorts.kecamatan_code, cohorts.track, cohorts.mentor_id) is distinct from (excluded.kecamatan_code, excluded.track, excluded.mentor_id)`,
    })
    // xmax = 0 only on freshly inserted row versions; an unchanged cohort returns no row at all.
    .returning({ id: cohorts.id, inserted: sql<boolean>`(xmax = 0)` })
  const row = rows[0]
  if (row) return { id: row.id, action: row.inserted ? 'inserted' : 'updated' }
  const existing = await findCohortByCode(db, params.code)
  if (!existing) throw new Error('upsertCohort: the conflicting row disappeared')
  return { id: existing.id, action: 'unchanged' }
}

/** One row of `cohorts`. */
export type Cohort = typeof cohorts.$inferSelect

/** The cohort with this code, if any. */
export async function findCohortByCode(db: DbOrTx, code: string): Promise<Cohort | undefined> {
  const rows = await db.select().from(cohorts).where(eq(cohorts.code, code))
  return rows[0]
}

/**
 * The people a cohort's change notice goes to: its active participants (also those who excused
 * themselves, the new time may suit them), with or without a chat, by name.
 */
export async function listCohortParticipants(
  db: DbOrTx,
  cohortId: number
): Promise<{ personId: number; name: string }[]> {
  return db
    .select({ personId: people.id, name: people.name })
    .from(enrollments)
    .innerJoin(people, eq(people.id, enrollments.personId))
    .where(
      and(
        eq(enrollments.cohortId, cohortId),
        eq(enrollments.status, 'active'),
        eq(people.status, 'active')
      )
    )
    .orderBy(asc(people.name), asc(people.id))
}
