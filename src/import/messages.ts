/**
 * The Indonesian texts of CSV imports, for the admin who runs them: file errors, row rejection
 * reasons and the report's words. Kept in one table (not in `locales/`, which holds chat texts)
 * so every sentence an admin reads is in one place. Reasons never contain a phone number.
 * @module
 */

/** File-level problems: the import cannot start. */
export const FILE_MESSAGES = {
  notUtf8: () => 'berkas bukan teks UTF-8; di Excel simpan ulang sebagai "CSV UTF-8"',
  empty: () => 'berkas kosong: tidak ada baris judul kolom',
  broken: (line: number, problem: string) => `berkas CSV rusak di baris ${line}: ${problem}`,
  quoteNotClosed: () => 'tanda kutip tidak ditutup',
  missingColumn: (names: readonly string[]) =>
    `kolom "${names[0]}" tidak ada di baris judul (nama lain yang diterima: ${names.slice(1).join(', ')})`,
  duplicateColumn: (first: string, second: string) =>
    `kolom "${first}" dan "${second}" berarti hal yang sama; hapus salah satunya`,
} as const

/** A long import's progress on the CLI (`--kemajuan`); the rows are not kept until the end. */
export const PROGRESS_MESSAGES = {
  read: (rows: number) => `kemajuan: ${rows} baris dibaca`,
} as const

/** Why a whole import stopped; nothing of it was kept. */
export const FAILURE_MESSAGES = {
  nothingChanged: (cause: string) => `impor dibatalkan, tidak ada data yang diubah: ${cause}`,
  fileNothingChanged: (file: string, problem: string) =>
    `${file}: ${problem}; tidak ada data yang diubah`,
  connectionLost: () => 'koneksi ke basis data terputus',
  databaseError: (code: string) => `basis data menolak impor (kode ${code})`,
  unknown: () => 'terjadi kesalahan tak terduga',
  interrupted: () => 'impor terhenti karena aplikasi dimulai ulang',
} as const

/** Why one row was rejected; several reasons of one row are joined with "; ". */
export const ROW_MESSAGES = {
  tooManyCells: () => 'baris ini berisi lebih banyak kolom daripada baris judul',
  nameMissing: () => 'nama kosong',
  nameTooLong: (max: number) => `nama lebih dari ${max} huruf`,
  nameInvalid: () => 'nama harus berisi huruf dan tidak boleh berisi angka',
  phoneInvalid: () => 'nomor telepon tidak valid',
  phoneRequired: (roles: readonly string[]) => `nomor telepon wajib untuk peran ${roles.join('+')}`,
  phoneDuplicate: (line: number) => `nomor telepon sama dengan baris ${line}`,
  nameRegionDuplicate: (line: number) =>
    `nama dan kode wilayah sama dengan baris ${line}, keduanya tanpa nomor telepon`,
  roleMissing: () => 'peran kosong',
  roleUnknown: (role: string) => `peran '${role}' tidak dikenal`,
  regionMissing: () => 'kode wilayah kosong',
  regionMalformed: (code: string) => `kode wilayah '${code}' tidak valid`,
  regionUnknown: (code: string) => `kode wilayah ${code} tidak dikenal`,
  regionLevel: (role: string, allowed: string, code: string, level: string) =>
    `peran ${role} membutuhkan kode ${allowed}, sedangkan ${code} adalah ${level}`,
  salutationInvalid: (value: string) => `sapaan '${value}' tidak dikenal (Ibu atau Bapak)`,
  birthYearInvalid: (value: string, max: number) =>
    `tahun lahir '${value}' tidak valid (1900 sampai ${max})`,
  ambiguousPerson: (matches: number) =>
    `ada ${matches} orang tanpa nomor telepon dengan nama dan kode wilayah ini; perbaiki lewat dasbor`,
  databaseRefused: () => 'ditolak oleh basis data',
} as const

/** Indonesian names of region levels, for `regionLevel`. */
export const LEVEL_NAMES = {
  kabupaten: 'kabupaten',
  kecamatan: 'kecamatan',
  desa: 'desa',
  kelurahan: 'kelurahan',
} as const

/** The report's words per row status, and the summary line. */
export const REPORT_MESSAGES = {
  line: (line: number) => `baris ${line}`,
  accepted: 'diterima',
  updated: 'diperbarui',
  unchanged: 'tidak berubah',
  rejected: 'ditolak',
  ignoredColumns: (columns: readonly string[]) => `kolom diabaikan: ${columns.join(', ')}`,
  summary: (counts: { accepted: number; updated: number; unchanged: number; rejected: number }) =>
    `${counts.accepted} diterima, ${counts.updated} diperbarui, ${counts.unchanged} tidak berubah, ` +
    `${counts.rejected} ditolak`,
} as const

/** An Indonesian "or" list: `['kecamatan', 'desa', 'kelurahan']` → `kecamatan, desa atau kelurahan`. */
export function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} atau ${items.at(-1)}`
}

/** Why a row of a `sessions` or `enrollments` file was rejected. */
export const TRAINING_MESSAGES = {
  cohortMissing: () => 'kode kelompok kosong',
  cohortTooLong: (max: number) => `kode kelompok lebih dari ${max} karakter`,
  cohortUnknown: (code: string) =>
    `kelompok ${code} belum ada; impor jadwal sesinya dulu (npm run import -- sessions)`,
  cohortConflict: (code: string, line: number) =>
    `kelompok ${code} di baris ${line} punya kecamatan, keterampilan atau mentor lain`,
  kecamatanMissing: () => 'kode kecamatan kosong',
  kecamatanInvalid: (code: string) => `'${code}' bukan kode kecamatan di Kabupaten Malang`,
  trackInvalid: (value: string) =>
    value === ''
      ? 'keterampilan kosong'
      : `keterampilan '${value}' tidak dikenal (menjahit atau makanan)`,
  mentorMissing: () => 'nomor telepon mentor kosong',
  mentorPhoneInvalid: () => 'nomor telepon mentor tidak valid',
  mentorUnknown: () => 'tidak ada orang dengan nomor telepon mentor ini; impor dulu lewat people',
  notMentor: (name: string) => `${name} tidak berperan mentor`,
  dateInvalid: (value: string) =>
    value === ''
      ? 'tanggal kosong'
      : `tanggal '${value}' tidak valid (tulis TTTT-BB-HH atau HH/BB/TTTT)`,
  timeInvalid: (which: 'mulai' | 'selesai', value: string) =>
    value === ''
      ? `jam ${which} kosong`
      : `jam ${which} '${value}' tidak valid (tulis JJ.MM atau JJ:MM)`,
  endBeforeStart: () => 'jam selesai harus sesudah jam mulai',
  venueMissing: () => 'tempat kosong',
  topicMissing: () => 'materi kosong',
  textTooLong: (field: string, max: number) => `${field} lebih dari ${max} karakter`,
  coordinateInvalid: (which: 'lat' | 'lng', value: string) => `${which} '${value}' tidak valid`,
  coordinatesHalf: () => 'isi lat dan lng keduanya, atau kosongkan keduanya',
  checkinInvalid: (value: string) =>
    value === ''
      ? 'cara absen (checkin) kosong'
      : `cara absen '${value}' tidak dikenal (kode, lokasi atau keduanya)`,
  statusInvalid: (value: string) => `status '${value}' tidak dikenal (batal atau aktif)`,
  checkinNeedsLocation: (mode: string) => `cara absen ${mode} membutuhkan lat dan lng tempat`,
  sessionDuplicate: (line: number) => `kelompok dan tanggal sama dengan baris ${line}`,
  participantMissing: () =>
    'isi nomor telepon, atau nama dan kode wilayah untuk peserta tanpa telepon',
  participantUnknown: () => 'tidak ada orang dengan nomor telepon ini; impor dulu lewat people',
  notParticipant: (name: string) => `${name} tidak berperan peserta`,
  personInactive: (name: string) => `${name} belum aktif (statusnya bukan aktif)`,
  enrollmentDuplicate: (line: number) => `peserta dan kelompok sama dengan baris ${line}`,
} as const

/** Why a row of a stocks file was rejected. */
export const STOCK_MESSAGES = {
  desaMissing: () => 'kode desa kosong',
  notDesa: (value: string) => `"${value}" bukan kode desa/kelurahan Kabupaten Malang`,
  badPeriod: (value: string) =>
    `periode "${value}" tidak dikenal; tulis tahun (2026) atau bulan (2026-03 atau 03/2026)`,
  badNumber: (column: string, value: string, max: number) =>
    `kolom ${column}: "${value}" bukan bilangan bulat 0 sampai ${max.toLocaleString('id-ID')}`,
  noValues: () => 'tidak ada angka yang diisi (PUS, PPM atau jumlah unit)',
  duplicate: (line: number) => `desa dan periode yang sama sudah ada di baris ${line}`,
} as const
