/**
 * @module The grammY baseline bot's replies (`bench/grammy-bot.ts`), apart from the bot so the
 * benchmark can check them without starting it.
 */
/** The replies, each answering one update of `GRAMMY_SCRIPT` (bench/outside.ts). */
export const GRAMMY_REPLIES = {
  askName: 'Siapa nama kepala keluarga yang dikunjungi?',
  askTarget: 'Sasaran di keluarga ini? (pus, hamil, balita)',
  askStatus: 'Status KB pasangan ini? 1. Ber-KB 2. Tidak ber-KB',
  askMethod: 'Cara KB yang dipakai?',
  confirm: 'Mohon periksa kembali, lalu ketik kirim.',
  saved: 'Terima kasih! Laporan tersimpan.',
  unknownFamily: 'Keluarga tidak ditemukan. Coba lagi.',
} as const
