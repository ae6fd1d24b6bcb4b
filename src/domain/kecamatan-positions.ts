/**
 * Where Kabupaten Malang's 33 kecamatan lie, for the schematic map on the dashboard and for the
 * demo data's visit locations. There are no boundary shapes in the repository (and the dashboard
 * must work offline), so each kecamatan has an approximate centroid (latitude, longitude, two
 * decimals, read off public maps: good to a few kilometres, not for measuring) and a cell of a
 * tile grid derived from it: `col = round((lng − 112.30) ÷ 0.06)`, `row = round((−7.83 − lat) ÷
 * 0.05)`, with one clash resolved by hand (Kepanjen moved one cell east of Kromengan). North is up.
 * @module
 */

/** One kecamatan's approximate centroid and its cell on the tile grid (0-based). */
export type KecamatanPosition = {
  code: string
  lat: number
  lng: number
  col: number
  row: number
}

/** The 33 kecamatan of Kabupaten Malang (codes as in `src/db/seed/kab-malang-kecamatan.csv`). */
export const KECAMATAN_POSITIONS: readonly KecamatanPosition[] = [
  { code: '35.07.01', lat: -8.29, lng: 112.43, col: 2, row: 9 }, // Donomulyo
  { code: '35.07.02', lat: -8.21, lng: 112.5, col: 3, row: 8 }, // Pagak
  { code: '35.07.03', lat: -8.32, lng: 112.58, col: 5, row: 10 }, // Bantur
  { code: '35.07.04', lat: -8.32, lng: 112.72, col: 7, row: 10 }, // Sumbermanjing Wetan
  { code: '35.07.05', lat: -8.21, lng: 112.75, col: 8, row: 8 }, // Dampit
  { code: '35.07.06', lat: -8.23, lng: 112.88, col: 10, row: 8 }, // Ampelgading
  { code: '35.07.07', lat: -8.04, lng: 112.8, col: 8, row: 4 }, // Poncokusumo
  { code: '35.07.08', lat: -8.11, lng: 112.73, col: 7, row: 6 }, // Wajak
  { code: '35.07.09', lat: -8.17, lng: 112.69, col: 7, row: 7 }, // Turen
  { code: '35.07.10', lat: -8.17, lng: 112.64, col: 6, row: 7 }, // Gondanglegi
  { code: '35.07.11', lat: -8.2, lng: 112.43, col: 2, row: 7 }, // Kalipare
  { code: '35.07.12', lat: -8.15, lng: 112.48, col: 3, row: 6 }, // Sumberpucung
  { code: '35.07.13', lat: -8.13, lng: 112.57, col: 5, row: 6 }, // Kepanjen
  { code: '35.07.14', lat: -8.08, lng: 112.64, col: 6, row: 5 }, // Bululawang
  { code: '35.07.15', lat: -8.05, lng: 112.69, col: 7, row: 4 }, // Tajinan
  { code: '35.07.16', lat: -8.0, lng: 112.75, col: 8, row: 3 }, // Tumpang
  { code: '35.07.17', lat: -7.95, lng: 112.76, col: 8, row: 2 }, // Jabung
  { code: '35.07.18', lat: -7.96, lng: 112.72, col: 7, row: 3 }, // Pakis
  { code: '35.07.19', lat: -8.07, lng: 112.6, col: 5, row: 5 }, // Pakisaji
  { code: '35.07.20', lat: -8.1, lng: 112.53, col: 4, row: 5 }, // Ngajum
  { code: '35.07.21', lat: -8.03, lng: 112.56, col: 4, row: 4 }, // Wagir
  { code: '35.07.22', lat: -7.92, lng: 112.57, col: 4, row: 2 }, // Dau
  { code: '35.07.23', lat: -7.88, lng: 112.6, col: 5, row: 1 }, // Karangploso
  { code: '35.07.24', lat: -7.89, lng: 112.67, col: 6, row: 1 }, // Singosari
  { code: '35.07.25', lat: -7.83, lng: 112.7, col: 7, row: 0 }, // Lawang
  { code: '35.07.26', lat: -7.84, lng: 112.45, col: 3, row: 0 }, // Pujon
  { code: '35.07.27', lat: -7.86, lng: 112.36, col: 1, row: 1 }, // Ngantang
  { code: '35.07.28', lat: -7.83, lng: 112.3, col: 0, row: 0 }, // Kasembon
  { code: '35.07.29', lat: -8.28, lng: 112.63, col: 5, row: 9 }, // Gedangan
  { code: '35.07.30', lat: -8.27, lng: 112.82, col: 9, row: 9 }, // Tirtoyudo
  { code: '35.07.31', lat: -8.13, lng: 112.51, col: 4, row: 6 }, // Kromengan
  { code: '35.07.32', lat: -8.07, lng: 112.47, col: 3, row: 5 }, // Wonosari
  { code: '35.07.33', lat: -8.18, lng: 112.6, col: 5, row: 7 }, // Pagelaran
]

/** The position of a kecamatan code, if it is one of the 33. */
export function kecamatanPosition(code: string): KecamatanPosition | undefined {
  return KECAMATAN_POSITIONS.find((position) => position.code === code)
}
