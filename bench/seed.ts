/**
 * @module Seeds a benchmark database the way a deployment gets its data: regions, then a people
 * CSV through the real importer, then each person's Telegram identity and consent (as if they had
 * shared their contact and accepted the privacy notice), then one family per desa to visit.
 */
import type { DbOrTx } from '../src/db/client.js'
import { linkIdentity, recordConsent } from '../src/db/queries/people.js'
import { listAllRegions } from '../src/db/queries/regions.js'
import { createFamily } from '../src/db/queries/visits.js'
import { people } from '../src/db/schema/index.js'
import { seedRegions } from '../src/db/seed-regions.js'
import { NOTICE_VERSION } from '../src/domain/consent.js'
import { importPeople } from '../src/import/people.js'

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

/** The family every cadre of a desa visits in the inbound bench. */
export const BENCH_FAMILY_HEAD = 'Budi Santoso'

/** One family per desa of `cadres`, recorded by the desa's first cadre. */
export async function seedFamilies(db: DbOrTx, cadres: readonly SeededPerson[], now: Date) {
  const firstCadre = new Map<string, number>()
  for (const cadre of cadres) {
    if (!firstCadre.has(cadre.desaCode)) firstCadre.set(cadre.desaCode, cadre.personId)
  }
  for (const [desaCode, createdBy] of firstCadre) {
    await createFamily(db, {
      headName: BENCH_FAMILY_HEAD,
      desaCode,
      dusunRwRt: 'Krajan RT 02 RW 03',
      createdBy,
      consentedAt: now,
    })
  }
  return firstCadre.size
}
