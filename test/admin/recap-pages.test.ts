/**
 * The dashboard's Validasi, Cakupan laporan and Rekap bulanan pages on the recap month of
 * `test/recap/fixture.ts`: a waiting report blocks signing, the supervisor validates it with one
 * click, signs, downloads the PDF and XLSX; a report sent back needs a reason; the coverage page
 * lists late cadres first; a supervisor of another kecamatan sees nothing of Wonorejo.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { people } from '../../src/db/schema/index.js'
import { createLoginToken } from '../../src/db/queries/admin.js'
import { createBrowser, createDashboardApp } from '../harness/admin.js'
import { useTestDb } from '../harness/db.js'
import { NOW, PERIOD, type RecapSeed, WONOREJO, seedRecapMonth } from '../recap/fixture.js'

const database = useTestDb('file')
let seed: RecapSeed
let app: Awaited<ReturnType<typeof createDashboardApp>>

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')

/** Signs in through a one-time link made at this file's clock. */
async function signInAs(personId: number) {
  const { token } = await createLoginToken(database.db, { personId, now: NOW })
  const browser = createBrowser(app)
  const response = await browser.post(`/admin/login/${token}`, {})
  if (response.status !== 303) throw new Error(`link login failed: ${response.status}`)
  return browser
}

beforeAll(async () => {
  seed = await seedRecapMonth(database.db)
  app = await createDashboardApp(database.db, { clock: () => NOW })
})

describe('Rekap bulanan, Validasi, Cakupan laporan', () => {
  test('a waiting report blocks signing; one click validates it; the recap is signed and downloaded', async () => {
    const pkb = await signInAs(seed.yanto)
    const recapPath = `/admin/rekap?bulan=${PERIOD}&desa=${WONOREJO}`
    const before = text(await (await pkb.get(recapPath)).text())
    expect(before).toContain('Masih ada 1 laporan yang menunggu validasi.')
    expect(before).toContain('BKB 36 24 17 3')
    expect(before).toContain('Per kelompok (kader) jumlah hadir terbanyak bulan ini, dijumlahkan.')
    expect(before).not.toContain('Tanda tangani rekap ini')

    const list = await (await pkb.get(`/admin/validasi?bulan=${PERIOD}&status=submitted`)).text()
    expect(text(list)).toContain(
      'Menunggu Kegiatan Poktan 20 Nov 2026 Dewi Lestari Wonorejo Rapat koordinasi desa'
    )
    const csrf = /name="_csrf" value="([^"]+)"/.exec(list)![1]!
    const action = `/admin/validasi/activity/${seed.activities.A5}`
    // Sent back without a reason: refused, the reason is asked for.
    const noReason = await pkb.post(action, { _csrf: csrf, keputusan: 'kembalikan', alasan: '' })
    expect(noReason.status).toBe(400)
    expect(text(await noReason.text())).toContain('Tulis alasan (3 sampai 200 huruf)')
    const valid = await pkb.post(action, { _csrf: csrf, keputusan: 'sah' })
    expect(text(await valid.text())).toContain('Laporan dinyatakan sah.')

    const after = text(await (await pkb.get(recapPath)).text())
    expect(after).toContain('Semua pemeriksaan lolos.')
    expect(after).toContain('DRAF: belum ditandatangani.')
    const signed = await pkb.post(`/admin/rekap/tandatangan?bulan=${PERIOD}&desa=${WONOREJO}`, {
      _csrf: csrf,
    })
    const signedText = text(await signed.text())
    expect(signedText).toContain('Rekap ditandatangani (versi 1).')
    expect(signedText).toContain(
      'Ditandatangani di dasbor oleh Yanto Prasetyo pada Rabu, 2 Desember 2026 pukul 10.00 WIB (versi 1).'
    )

    const pdf = await pkb.get(`/admin/rekap.pdf?bulan=${PERIOD}&desa=${WONOREJO}`)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString()
    ).toBe('%PDF-')
    const xlsx = await pkb.get(`/admin/rekap.xlsx?bulan=${PERIOD}&desa=${WONOREJO}`)
    expect(xlsx.headers.get('content-disposition')).toBe(
      `attachment; filename="rekap-ppkbd_${WONOREJO}_${PERIOD}.xlsx"`
    )

    const kecamatan = text(
      await (await pkb.get(`/admin/rekap?bulan=${PERIOD}&kecamatan=35.07.24`)).text()
    )
    expect(kecamatan).toContain('Rekap kecamatan Singosari')
    expect(kecamatan).toContain('Wonorejo 1 1 4 1 2 400 0 0')
  })

  test('Cakupan laporan: the deadline, per desa and per cadre', async () => {
    const pkb = await signInAs(seed.yanto)
    const page = text(await (await pkb.get(`/admin/cakupan?bulan=${PERIOD}`)).text())
    expect(page).toContain(
      'Batas laporan bulan November 2026: Kamis, 3 Desember 2026 pukul 23.59 WIB.'
    )
    // Siti and Dewi reported in November (on time); Ani of Dengkol has not.
    expect(page).toContain('Wonorejo 2 2 0 0 100% 100%')
    expect(page).toContain('Dengkol 1 0 0 1 0% -')
    expect(page.indexOf('Ani Susanti')).toBeLessThan(page.indexOf('Siti Rahayu'))
  })

  test('a supervisor of another kecamatan sees nothing of Wonorejo', async () => {
    const [other] = await database.db
      .insert(people)
      .values({ name: 'Pak Tajinan', roles: ['supervisor'], regionCode: '35.07.15' })
      .returning({ id: people.id })
    const browser = await signInAs(other!.id)
    const page = text(
      await (await browser.get(`/admin/rekap?bulan=${PERIOD}&desa=${WONOREJO}`)).text()
    )
    expect(page).toContain('Pilih desa untuk melihat rekap')
    expect(page).not.toContain('Wonorejo (35.07.24.2001)')
    const list = text(await (await browser.get(`/admin/validasi?bulan=${PERIOD}`)).text())
    expect(list).toContain('Tidak ada laporan dengan saringan ini.')
  })
})
