/**
 * Common Javanese and Indonesian names for the demo people and families. Combinations are made
 * up; any likeness to a real person is chance, and every demo phone is in the reserved range.
 * @module
 */

/** Given names of women (cadres, participants, mentors are mostly women in these programmes). */
export const WOMEN_FIRST = [
  'Siti', 'Sri', 'Dewi', 'Nur', 'Ani', 'Rina', 'Wati', 'Yuli', 'Lilis', 'Endang',
  'Tutik', 'Sumiati', 'Eka', 'Dwi', 'Tri', 'Rini', 'Yanti', 'Lina', 'Ratna', 'Fitri',
  'Indah', 'Nanik', 'Puji', 'Umi', 'Heni', 'Ida', 'Mega', 'Novi', 'Wulan', 'Ayu',
  'Kartika', 'Suharti', 'Winarti', 'Sulastri', 'Anik', 'Erna', 'Retno', 'Lestari', 'Desi', 'Nining',
] // prettier-ignore

/** Family names and second names shared by women and men. */
export const SECOND_NAMES = [
  'Rahayu', 'Wahyuni', 'Lestari', 'Handayani', 'Susanti', 'Kartini', 'Suryani', 'Maharani',
  'Purwanti', 'Setyowati', 'Kusuma', 'Anggraini', 'Pratiwi', 'Wulandari', 'Safitri',
  'Hidayati', 'Rohmah', 'Fauziah', 'Mulyani', 'Astuti', 'Ningsih', 'Rahmawati', 'Yuliana',
  'Sholikhah', 'Khoiriyah', 'Aminah', 'Zubaidah', 'Fatimah', 'Masruroh', 'Mardiyah',
] // prettier-ignore

/** Given names of men (heads of household, supervisors). */
export const MEN_FIRST = [
  'Agus', 'Budi', 'Bambang', 'Joko', 'Slamet', 'Sugeng', 'Sutrisno', 'Suparno', 'Hadi',
  'Wahyu', 'Eko', 'Heru', 'Imam', 'Mulyono', 'Purnomo', 'Rudi', 'Samsul', 'Teguh', 'Yusuf',
  'Ahmad', 'Muhammad', 'Abdul', 'Supriadi', 'Dwi', 'Edi', 'Gatot', 'Sunarto', 'Kusnadi', 'Nur',
  'Rohman',
] // prettier-ignore

/** Second names of men. */
export const MEN_SECOND = [
  'Santoso', 'Prasetyo', 'Wibowo', 'Susanto', 'Hidayat', 'Setiawan', 'Purnomo', 'Kurniawan',
  'Saputra', 'Gunawan', 'Hariyanto', 'Sugiarto', 'Riyadi', 'Suprapto', 'Widodo', 'Wijaya',
  'Rochim', 'Fauzi', 'Hakim', 'Mashudi', 'Syafii', 'Maulana', 'Efendi', 'Nurhadi',
] // prettier-ignore
