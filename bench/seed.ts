/**
 * @module Seeds a benchmark database the way a deployment gets its data: regions, then a people
 * CSV through the real importer, then each person's Telegram identity and consent (as if they had
 * shared their contact and accepted the privacy notice), then one family per desa to visit.
 */
import type { DbOrTx } from '../src/db/client.js'
import { recordConsent } from '../src/db/queries/consent.js'
import { linkIdentity } from '../src/db/queries/identities.js'
import { listAllRegions } from '../src/db/queries/regions.js'
import { createFamily } from '../src/db/queries/visits.js'
import { nudgeRules, people } from '../src/db/schema/index.js'
import { seedRegions } from '../src/db/seed-regions.js'
import { NOTICE_VERSION } from '../src/domain/consent.js'
import { importPeople } from '../src/import/people.js'
import { seedNudgeRules } from '../src/scheduler/jobs/nudges.js'
import { seedReportDeadlineNudge } from '../src/scheduler/jobs/report-deadline.js'

const FIRST_NAMES = [
  'Siti', 'Sri', 'Dewi', 'Nur', 'Ani', 'Rina', 'Wati', 'Yuli', 'Lilis', 'Endang',
  'Tutik', 'Sumi', 'Eka', 'Dwi', 'Tri', 'Rini', 'Yanti', 'Lina', 'Ratna', 'Fitri',
  'Indah', 'Nanik', 'Puji', 'Umi', 'Heni', 'Ida', 'Mega', 'Novi', 'Wulan', 'Ayu',
] // prettier-ignore
const LAST_NAMES = [
  'Rahayu', 'Wahyuni', 'Lestari', 'Handayani', 'Susanti', 'Kartini', 'Suryani', 'Maharani',
  'Purwanti', 'Setyowati', 'Kusuma', 'Anggraini', 'Pratiwi', 'Wulandari', 'Safitri',
  'Hidayati', 'Rohmah', 'Fauziah', 'Mulyani', 'Astuti',
] // prettier-ignore

/** A benchmark person: their row, their Telegram user id, their desa. */
export type SeededPerson = {
  personId: number
  telegramId: number
  desaCode: string
  /** As written in the CSV (`0812…`). */
  phone: string
  /** What this cadre types to find the family `seedFamilies` gave them (`budi`, `agus`…). */
  familySearch?: string
}

export type SeedPeopleParams = {
  count: number
  /** `kader`, `peserta`… as the people CSV writes roles. */
  role: string
  /** Telegram user ids are `telegramBase + i`; phones are derived from the same number. */
  telegramBase: number
  /** Spread over at most this many desa (default all). */
  maxDesa?: number
  now: Date
}

/** The region rows (idempotent) and every desa code, in code order. */
export async function seedDesaCodes(db: DbOrTx): Promise<string[]> {
  await seedRegions(db)
  const regions = await listAllRegions(db)
  return regions.filter((r) => r.level === 'desa').map((r) => r.code)
}

/**
 * Imports `count` people through `importPeople`, links their Telegram identity and records their
 * consent. Throws when the importer rejected a row (the bench data would be wrong).
 */
export async function seedPeople(db: DbOrTx, params: SeedPeopleParams): Promise<SeededPerson[]> {
  const desa = (await seedDesaCodes(db)).slice(0, params.maxDesa)
  const lines = ['nama;telepon;peran;kode_wilayah']
  const planned: { phone: string; csvPhone: string; telegramId: number; desaCode: string }[] = []
  for (let i = 0; i < params.count; i++) {
    const telegramId = params.telegramBase + i
    const name = `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]}`
    const local = `812${String(telegramId).padStart(8, '0').slice(-8)}`
    const desaCode = desa[i % desa.length]!
    lines.push(`${name};0${local};${params.role};${desaCode}`)
    planned.push({ phone: `+62${local}`, csvPhone: `0${local}`, telegramId, desaCode })
  }
  const report = await importPeople(db, lines.join('\n'), { now: params.now })
  const rejected = report.rows.filter((row) => row.status === 'rejected')
  if (rejected.length > 0) {
    throw new Error(`people import rejected ${rejected.length} rows: ${rejected[0]?.reason}`)
  }
  const ids = new Map(
    (await db.select({ id: people.id, phone: people.phone }).from(people)).map((p) => [
      p.phone,
      p.id,
    ])
  )
  const seeded: SeededPerson[] = []
  for (const p of planned) {
    const personId = ids.get(p.phone)
    if (personId === undefined) throw new Error('an imported person is missing')
    const externalId = String(p.telegramId)
    await linkIdentity(db, { personId, channel: 'telegram', externalId })
    await recordConsent(db, {
      channel: 'telegram',
      senderId: externalId,
      noticeVersion: NOTICE_VERSION,
      given: true,
      at: params.now,
    })
    seeded.push({ personId, telegramId: p.telegramId, desaCode: p.desaCode, phone: p.csvPhone })
  }
  return seeded
}

/** The family the first cadre of each desa visits in the benchmarks. */
export const BENCH_FAMILY_HEAD = 'Budi Santoso'

/**
 * The heads of the families of a desa's later cadres: names far apart, so that typing the first
 * word finds only that family. A family is visited once per run: a second visit takes the visit
 * report's "as last time" path, which the scripts do not follow.
 */
const MORE_FAMILY_HEADS = [
  'Agus Salim', 'Joko Susilo', 'Wahyu Hidayat', 'Slamet Riyadi', 'Hendra Gunawan',
  'Bambang Irawan', 'Teguh Wibowo', 'Yusuf Maulana', 'Fajar Nugroho', 'Gilang Ramadhan',
  'Nanang Kosim', 'Iwan Setiawan', 'Heru Cahyono', 'Lukman Hakim', 'Sugeng Pramono',
] // prettier-ignore

/**
 * One family per cadre, recorded by that cadre: the first cadre of a desa gets `Budi Santoso`,
 * the next ones the other names in turn (each cadre's `familySearch` says what to type). Returns
 * the number of families.
 */
export async function seedFamilies(db: DbOrTx, cadres: readonly SeededPerson[], now: Date) {
  const perDesa = new Map<string, number>()
  for (const cadre of cadres) {
    const k = perDesa.get(cadre.desaCode) ?? 0
    perDesa.set(cadre.desaCode, k + 1)
    const headName =
      k === 0 ? BENCH_FAMILY_HEAD : MORE_FAMILY_HEADS[(k - 1) % MORE_FAMILY_HEADS.length]!
    await createFamily(db, {
      headName,
      desaCode: cadre.desaCode,
      dusunRwRt: 'Krajan RT 02 RW 03',
      createdBy: cadre.personId,
      consentedAt: now,
    })
    cadre.familySearch = headName.split(' ')[0]!.toLowerCase()
  }
  return cadres.length
}

/**
 * Seeds the regency's nudge rules as the bot does at start, switched off: a run that crosses a
 * rule's time (Monday 07.00 WIB to cadres without a visit in 7 days, the report deadline) would
 * otherwise message the benchmark's cadres, whose replies are checked exactly. One run did, and
 * 2,801 chats failed the check.
 */
export async function switchOffNudges(db: DbOrTx): Promise<void> {
  await seedNudgeRules(db)
  await seedReportDeadlineNudge(db)
  await db.update(nudgeRules).set({ enabled: false })
}
