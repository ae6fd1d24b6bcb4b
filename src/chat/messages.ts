/**
 * The Indonesian lines the terminal chat prints about itself (usage, connection, commands). Bot
 * texts come from the server; these are the simulator's own chrome, kept in one table so every
 * sentence a tester reads in the terminal is in one place.
 * @module
 */

export const CHAT_MESSAGES = {
  usage: () =>
    [
      'cara pakai: npm run chat -- [--url URL] [--from ID] [--phone NOMOR] [--token TOKEN] [--transcript]',
      '  --url         alamat server kaderbot (bawaan: http://127.0.0.1:$PORT, PORT bawaan 3000)',
      '  --from        ID pengirim simulasi (bawaan: cli-<acak>)',
      '  --phone       nomor telepon yang seolah dibagikan aplikasi chat, misalnya +6281200000004',
      '  --token       token admin, bila server memintanya (bawaan: $ADMIN_TOKEN)',
      '  --transcript  cetak transkrip percakapan saat keluar, siap ditempel ke tes',
    ].join('\n'),
  unknownOption: (detail: string) => `pilihan tidak dikenal atau tidak lengkap: ${detail}`,
  badUrl: (url: string) => `alamat server tidak valid: ${url}`,
  badFrom: () => 'ID pengirim hanya boleh berisi huruf, angka, dan . _ : @ + - (paling banyak 64)',
  welcome: (url: string, from: string) =>
    [
      `Simulator kaderbot di ${url}, sebagai ${from}.`,
      'Ketik pesan lalu Enter. Perintah: /pilih N (tekan pilihan ke-N), /lokasi lintang,bujur,',
      '/foto berkas.jpg, /keluar. Perintah bot (/menu, /lapor, …) dikirim apa adanya.',
    ].join('\n'),
  serverDown: (url: string) =>
    `Server kaderbot di ${url} belum bisa dihubungi. Mencoba lagi tiap 2 detik… (Ctrl-C untuk berhenti)`,
  reconnected: () => 'Tersambung kembali ke server.',
  gaveUp: (url: string) => `Menyerah: server kaderbot di ${url} tidak bisa dihubungi.`,
  unauthorized: () =>
    'Server meminta token admin, atau tokennya salah. Jalankan dengan --token atau ADMIN_TOKEN.',
  simulatorOff: () => 'Simulator tidak aktif di server ini (lihat SIMULATOR_ENABLED).',
  rejected: (detail: string) => `Pesan ditolak server: ${detail}`,
  serverError: (status: number) =>
    `Server menjawab dengan galat ${status}; coba lagi sebentar lagi.`,
  noChoices: () => 'Belum ada pesan bot dengan pilihan untuk ditekan.',
  choiceOutOfRange: (count: number) => `Pilih nomor 1 sampai ${count}.`,
  choiceUsage: () => 'Tulis /pilih diikuti nomor pilihan, misalnya /pilih 2.',
  locationUsage: () => 'Tulis /lokasi lintang,bujur, misalnya /lokasi -7.8925,112.6658.',
  photoUsage: () => 'Tulis /foto diikuti nama berkas, misalnya /foto rumah.jpg.',
  photoUnreadable: (path: string) => `Berkas foto ${path} tidak bisa dibaca.`,
  replyLate: () =>
    'Balasan belum masuk ke kotak masuk; lanjut. Pesan yang datang nanti tetap tampil.',
  transcriptHeader: () => '--- transkrip ---',
} as const
