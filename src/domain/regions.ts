import type { RegionEntry, Snapshot } from './snapshot.js'

export type RegionDirectory = Pick<Snapshot, 'kecamatan' | 'desaByKecamatan'>

type RegionRowLike = { code: string; level: string; name: string; parentCode?: string | null }

const byName = (a: RegionEntry, b: RegionEntry) => a.name.localeCompare(b.name, 'id')

/** The kecamatan list and each kecamatan's desa/kelurahan, sorted by name, for choice steps. */
export function buildRegionDirectory(rows: readonly RegionRowLike[]): RegionDirectory {
  const kecamatan: RegionEntry[] = []
  const desaByKecamatan: Record<string, RegionEntry[]> = {}
  for (const row of rows) {
    if (row.level === 'kecamatan') kecamatan.push({ code: row.code, name: row.name })
    if ((row.level === 'desa' || row.level === 'kelurahan') && row.parentCode) {
      ;(desaByKecamatan[row.parentCode] ??= []).push({ code: row.code, name: row.name })
    }
  }
  kecamatan.sort(byName)
  for (const list of Object.values(desaByKecamatan)) list.sort(byName)
  return { kecamatan, desaByKecamatan }
}

/** The name of a region in the directory (a desa or kecamatan code), if known. */
export function regionName(directory: RegionDirectory, code: string): string | undefined {
  const kecamatanCode = code.split('.').slice(0, 3).join('.')
  if (code === kecamatanCode) return directory.kecamatan.find((k) => k.code === code)?.name
  return directory.desaByKecamatan[kecamatanCode]?.find((d) => d.code === code)?.name
}
