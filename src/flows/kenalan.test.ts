import { describe, expect, test } from 'vitest'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2025-11-24 08:00 WIB'

describe('kenalan (demo flow)', () => {
  test('a newcomer completes it with every step kind and sends the summary', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > Siti
      < Bapak/Ibu sebagai apa?
        1. Kader KB (PPKBD/Sub-PPKBD)
        2. Peserta pelatihan ibu muda
        3. Petugas DPPKB
        4. Lainnya
      > peserta pelatihan
      < Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.
      > dua
      < Kapan terakhir Bapak/Ibu ke Posyandu? (misalnya: kemarin, 24/11)
        Ketik LEWATI jika tidak ada.
      > kemarin
      < Topik apa yang Bapak/Ibu minati?
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. Keluarga Berencana (KB)
        2. Gizi anak
        3. Menjahit
        4. Usaha rumahan
      > 2, 3
      < Silakan kirim satu foto kegiatan Posyandu atau kegiatan Bapak/Ibu.
        Ketik LEWATI jika tidak ada.
      > [photo:media:abc.jpg]
      < Silakan bagikan lokasi Bapak/Ibu sekarang (tombol lampiran 📎, lalu Lokasi).
        Ketik LEWATI jika tidak ada.
      > [location:-7.98,112.63]
      < Mau dikirimi pengingat percobaan?
        1. Ya
        2. Tidak
      > nggih
      < Kapan pengingatnya dikirim? (misalnya: besok 07.00)
      > besok 07.00
      < Mohon periksa kembali:
        • Nama: Siti
        • Peran: Peserta pelatihan ibu muda
        • Jumlah anak: 2
        • Terakhir ke Posyandu: Minggu, 23 November 2025
        • Topik: Gizi anak, Menjahit
        • Foto: foto terlampir
        • Lokasi: lokasi terkirim
        • Mau pengingat: Ya
        • Waktu pengingat: Selasa, 25 November 2025 pukul 07.00 WIB
        Sudah benar?
        1. Kirim
        2. Ubah
        3. Batal
      > 1
      < Terima kasih, Siti! Data percobaan sudah tersimpan. Ketik MENU untuk kembali ke menu utama.
    `)
    expect(chat.effects).toEqual([
      {
        type: 'demo_completed',
        flowVersion: 1,
        answers: {
          name: 'Siti',
          role: 'peserta',
          children: 2,
          lastPosyandu: '2025-11-23',
          topics: ['gizi', 'menjahit'],
          photo: 'media:abc.jpg',
          place: { lat: -7.98, lng: 112.63 },
          wantsReminder: true,
          reminderAt: '2025-11-25T00:00:00.000Z',
        },
      },
    ])
    expect(chat.session.active).toBeNull()
  })

  test('wrong answers are re-asked with what is expected, and help is offered after three', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > kenalan
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > S
      < Mohon tulis nama panggilan Bapak/Ibu (2 sampai 60 huruf).
        Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > 7
      < Mohon balas dengan angka pilihan, misalnya 1.
        Bapak/Ibu sebagai apa?
        …
      > [sticker]
      < Terima kasih stikernya! Mohon balas dengan mengetik jawaban.
        Bapak/Ibu sebagai apa?
        …
      > entahlah
      < Mohon balas dengan angka pilihan, misalnya 1.
        Sepertinya ada kesulitan. Ketik BANTUAN untuk petunjuk, atau MENU untuk kembali ke menu utama.
        Bapak/Ibu sebagai apa?
        …
      > kader
      < Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.
      > 25
      < Mohon tulis jumlah anak dengan angka dari 0 sampai 20.
        Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.
      > 0
      < Kapan terakhir Bapak/Ibu ke Posyandu? (misalnya: kemarin, 24/11)
        Ketik LEWATI jika tidak ada.
      > besok
      < Tanggal itu belum lewat. Mohon tulis tanggal yang sudah lewat.
        Kapan terakhir Bapak/Ibu ke Posyandu? (misalnya: kemarin, 24/11)
        Ketik LEWATI jika tidak ada.
      > lewati
      < Topik apa yang Bapak/Ibu minati?
        …
    `)
    expect(chat.session.active?.answers).toEqual({
      name: 'Siti',
      role: 'kader',
      children: 0,
      lastPosyandu: null,
    })
  })
})
