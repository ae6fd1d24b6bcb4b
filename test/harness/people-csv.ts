/**
 * @module A large, realistic people CSV for import tests and the import measurement: Indonesian
 * names, phones in the local forms admins type (all distinct, in a range no example uses), cadres
 * and participants (some without a phone) in real desa of the regions table, semicolons as Excel
 * in Indonesia saves them. Deterministic for a given size.
 */
import { writeFile } from 'node:fs/promises'
import { inArray } from 'drizzle-orm'
import type { DbOrTx } from '../../src/db/client.js'
import { regions } from '../../src/db/schema/index.js'

const FIRST_NAMES = [
  'Siti',
  'Nur',
  'Sri',
  'Dewi',
  'Endang',
  'Lilis',
  'Rina',
  'Yuli',
  'Wati',
  'Ani',
  'Tri',
  'Eka',
  'Dwi',
  'Rahayu',
  'Puji',
  'Sumiati',
  'Suparmi',
  'Kartini',
  'Indah',
  'Fitri',
  'Budi',
  'Agus',
  'Bambang',
  'Joko',
  'Slamet',
  'Hadi',
  'Teguh',
  'Wahyu',
  'Eko',
  'Rudi',
]
const LAST_NAMES = [
  'Rahayu',
  'Wahyuni',
  'Lestari',
  'Suryani',
  'Susilowati',
  'Handayani',
  'Kartikasari',
  'Supriyadi',
  'Santoso',
  'Wibowo',
  'Setiawan',
  'Hidayat',
  'Purnomo',
  'Nurhayati',
  'Aini',
  'Ningsih',
  'Utami',
  'Prasetyo',
  'Saputra',
  'Maulana',
  'Fauziah',
  'Kusuma',
  'Pratiwi',
]

export const PEOPLE_CSV_HEADER = 'nama;telepon;peran;kode_wilayah;tahun_lahir'

/** The desa and kelurahan codes of the regions table. */
export async function listDesaCodes(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ code: regions.code })
    .from(regions)
    .where(inArray(regions.level, ['desa', 'kelurahan']))
  return rows.map((row) => row.code).sort()
}

/**
 * Row `i` (0-based) of the file: a cadre with a phone, or every tenth a participant, every
 * twentieth without a phone (then the name carries a word of its own so name and desa differ).
 */
export function peopleCsvRow(i: number, desaCodes: readonly string[]): string {
  const first = FIRST_NAMES[i % FIRST_NAMES.length]!
  const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]!
  const desa = desaCodes[i % desaCodes.length]!
  const digits = String(60_000_000 + i)
  const phone = i % 3 === 0 ? `0813-${digits.slice(0, 4)}-${digits.slice(4)}` : `+62813${digits}`
  const year = 1960 + (i % 45)
  if (i % 20 === 19) {
    // Distinct names without a phone: a letter-only suffix from the row number.
    const suffix = [...String(i)].map((d) => 'abcdefghij'[Number(d)]).join('')
    return `${first} ${last} ${suffix[0]!.toUpperCase()}${suffix.slice(1)};;peserta;${desa};${year}`
  }
  const role = i % 10 === 9 ? 'peserta' : 'kader'
  return `${first} ${last};${phone};${role};${desa};${year}`
}

/** The whole file of `count` rows as text. */
export function peopleCsv(count: number, desaCodes: readonly string[]): string {
  const lines = [PEOPLE_CSV_HEADER]
  for (let i = 0; i < count; i++) lines.push(peopleCsvRow(i, desaCodes))
  return `${lines.join('\n')}\n`
}

/** Writes the file of `count` rows to `path`. */
export async function writePeopleCsv(
  path: string,
  count: number,
  desaCodes: readonly string[]
): Promise<void> {
  await writeFile(path, peopleCsv(count, desaCodes))
}
