/**
 * The training's programmes and their settings (docs/domain.md#the-training-programme): the
 * default programme, a programme's settings with the defaults filling missing keys, and the
 * programme of a participant's enrollment.
 * @module
 */
import { and, desc, eq, sql } from 'drizzle-orm'
import {
  DEFAULT_PROGRAMME_CODE,
  DEFAULT_PROGRAMME_SETTINGS,
  type ProgrammeSettings,
} from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import { cohorts, enrollments, programmes } from '../schema/index.js'

/** The default programme's display name. */
export const DEFAULT_PROGRAMME_NAME = 'Pelatihan Ibu Muda'

/** Thrown by `getProgrammeSettings` when no programme has the id. */
export class ProgrammeNotFoundError extends Error {
  readonly code = 'PROGRAMME_NOT_FOUND' as const

  constructor(
    readonly programmeId: number,
    options?: ErrorOptions
  ) {
    super(`programme ${programmeId} not found`, options)
    this.name = 'ProgrammeNotFoundError'
  }
}

/**
 * The id of the default programme (`DEFAULT_PROGRAMME_CODE`), created with
 * `DEFAULT_PROGRAMME_SETTINGS` the first time; an existing programme keeps its settings.
 */
export async function ensureDefaultProgramme(db: DbOrTx): Promise<number> {
  const inserted = await db
    .insert(programmes)
    .values({
      code: DEFAULT_PROGRAMME_CODE,
      name: DEFAULT_PROGRAMME_NAME,
      settings: DEFAULT_PROGRAMME_SETTINGS,
    })
    .onConflictDoNothing({ target: programmes.code })
    .returning({ id: programmes.id })
  if (inserted[0]) return inserted[0].id
  const rows = await db
    .select({ id: programmes.id })
    .from(programmes)
    .where(eq(programmes.code, DEFAULT_PROGRAMME_CODE))
  if (!rows[0]) throw new Error('ensureDefaultProgramme: the conflicting row disappeared')
  return rows[0].id
}

/**
 * A programme's settings, with `DEFAULT_PROGRAMME_SETTINGS` filling any key the stored JSON lacks
 * (a programme saved before a setting existed). Throws `ProgrammeNotFoundError`.
 */
export async function getProgrammeSettings(
  db: DbOrTx,
  programmeId: number
): Promise<ProgrammeSettings> {
  const rows = await db
    .select({ settings: programmes.settings })
    .from(programmes)
    .where(eq(programmes.id, programmeId))
  if (!rows[0]) throw new ProgrammeNotFoundError(programmeId)
  return { ...DEFAULT_PROGRAMME_SETTINGS, ...rows[0].settings }
}

/** A programme setting read from its JSON, the default filling a key the JSON lacks. */
export const settingOf = (key: keyof ProgrammeSettings) =>
  sql<number>`coalesce((${programmes.settings}->>${key})::int, ${DEFAULT_PROGRAMME_SETTINGS[key]})`

/**
 * The settings of the programme of the person's latest active enrollment (for texts that name
 * them, such as the check-in window); `undefined` when she has no active enrollment.
 */
export async function findSettingsForPerson(
  db: DbOrTx,
  personId: number
): Promise<ProgrammeSettings | undefined> {
  const rows = await db
    .select({ settings: programmes.settings })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .where(and(eq(enrollments.personId, personId), eq(enrollments.status, 'active')))
    .orderBy(desc(enrollments.id))
    .limit(1)
  return rows[0] ? { ...DEFAULT_PROGRAMME_SETTINGS, ...rows[0].settings } : undefined
}
