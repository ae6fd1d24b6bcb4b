/**
 * Siaran and WhatsApp pages on the seeded month (`test/harness/admin.ts`): the segment preview
 * counts within the viewer's scope, sending and scheduling through the broadcast service,
 * cancelling, the progress bar reaching 100% once the real outbox sender has delivered, and the
 * WhatsApp state with its QR for admins only.
 */
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { fanOutBroadcast } from '../../src/broadcasts/service.js'
import { auditLog, broadcasts } from '../../src/db/schema/index.js'
import {
  ADMIN_TOKEN,
  NOW,
  type createBrowser,
  createDashboardApp,
  signInAs,
  signInWithToken,
  useSeededDashboard,
} from '../harness/admin.js'
import { testI18n } from '../harness/i18n.js'
import { createTestRuntime, giveConsent } from '../harness/runtime.js'

const month = useSeededDashboard()
type Browser = ReturnType<typeof createBrowser>

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')

describe('Siaran', () => {
  let app: Awaited<ReturnType<typeof createDashboardApp>>
  let supSgs: Browser
  let admin: Browser
  beforeAll(async () => {
    // Siti (sim-siti) consented in the chat: only she can receive a broadcast.
    await giveConsent(month.db, ['sim-siti'])
    app = await createDashboardApp(month.db)
    supSgs = await signInAs(app, month.db, month.seed.supSgs)
    admin = await signInWithToken(app)
  })

  test('the preview counts the segment within the scope and shows the message', async () => {
    // Active cadres of Singosari: siti, ani, dewi (nur is pending) → 3.
    const own = text(await (await supSgs.get('/admin/siaran?peran=kader&teks=Halo+{nama}')).text())
    expect(own).toContain('3 penerima')
    expect(own).toContain('Halo Lestari')
    // The kabupaten adds rina of Tajinan → 4.
    const all = text(await (await admin.get('/admin/siaran?peran=kader&teks=Halo')).text())
    expect(all).toContain('4 penerima')
    const outside = await supSgs.get('/admin/siaran?peran=kader&kecamatan=35.07.15&teks=Halo')
    expect(text(await outside.text())).toContain('Wilayah itu di luar wilayah Anda')
  })

  test('a supervisor sends, the progress reaches 100% when the outbox has delivered', async () => {
    const csrf = await supSgs.csrf('/admin/siaran')
    const sent = await supSgs.post('/admin/siaran', {
      _csrf: csrf,
      peran: 'kader',
      teks: 'Rapat kader Jumat pukul 09.00, {nama}.',
    })
    expect(sent.status).toBe(303)
    const [row] = await month.db.select().from(broadcasts)
    expect(row).toMatchObject({
      authorPersonId: month.seed.supSgs,
      recipients: 3,
      status: 'sending',
    })
    expect(
      await month.db.select().from(auditLog).where(eq(auditLog.action, 'broadcast_created'))
    ).toMatchObject([{ actor: `person:${month.seed.supSgs}` }])

    // A broadcast for now was fanned out in the request (a fire run later changes nothing).
    const i18n = await testI18n()
    await month.db.transaction((tx) =>
      fanOutBroadcast(tx, { i18n, timeZone: 'Asia/Jakarta' }, row!.id, NOW)
    )
    const page = text(await (await supSgs.get('/admin/siaran')).text())
    // Siti has a chat (sim-siti) and consented; ani and dewi have none: skipped → 2 of 3 settled.
    expect(page).toContain('2 dari 3 selesai: 0 terkirim, 0 gagal, 2 dilewati')
    const html = await (await supSgs.get('/admin/siaran')).text()
    expect(html).toContain('http-equiv="refresh"')

    const { sender } = await createTestRuntime(month.db)
    await sender.drain('simulator')
    const done = await (await supSgs.get('/admin/siaran')).text()
    expect(text(done)).toContain('3 dari 3 selesai: 1 terkirim, 0 gagal, 2 dilewati')
    expect(done).toMatch(/<progress value="3" max="3"/)
  })

  test('a scheduled broadcast can be cancelled; another supervisor does not see it', async () => {
    const csrf = await supSgs.csrf('/admin/siaran')
    const scheduled = await supSgs.post('/admin/siaran', {
      _csrf: csrf,
      peran: 'kader',
      teks: 'Pengumuman besok',
      waktu: '2025-11-29T07:00',
    })
    expect(scheduled.headers.get('location')).toMatch(/hasil=terjadwal/)
    const rows = await month.db
      .select()
      .from(broadcasts)
      .where(eq(broadcasts.text, 'Pengumuman besok'))
    // 07.00 WIB is 00.00 UTC.
    expect(rows[0]!.at.toISOString()).toBe('2025-11-29T00:00:00.000Z')
    expect(text(await (await supSgs.get('/admin/siaran')).text())).toContain('Terjadwal')

    const supTjn = await signInAs(app, month.db, month.seed.supTjn)
    expect(await (await supTjn.get('/admin/siaran')).text()).not.toContain('Pengumuman besok')

    const past = await supSgs.post('/admin/siaran', {
      _csrf: csrf,
      peran: 'kader',
      teks: 'Terlambat',
      waktu: '2025-11-01T07:00',
    })
    expect(past.status).toBe(400)

    const cancelled = await supSgs.post(`/admin/siaran/${rows[0]!.id}/batal`, { _csrf: csrf })
    expect(cancelled.headers.get('location')).toBe('/admin/siaran?hasil=dibatalkan')
    const [after] = await month.db.select().from(broadcasts).where(eq(broadcasts.id, rows[0]!.id))
    expect(after!.status).toBe('cancelled')
  })
})

describe('WhatsApp', () => {
  test('admins see the state and the pairing QR; supervisors do not', async () => {
    let qr: string | undefined = '2@pairing-ref,abc,def,ghi'
    const status = () => (qr ? 'pairing' : 'open')
    const app = await createDashboardApp(
      month.db,
      { whatsapp: { status, currentQr: () => qr } },
      // The WhatsApp module's own bearer-token QR route sits beside the page, without a clash.
      { whatsappQr: { adminToken: ADMIN_TOKEN, currentQr: () => qr, status } }
    )
    const admin = await signInWithToken(app)
    const pairing = await (await admin.get('/admin/wa')).text()
    expect(pairing).toContain('Menunggu dipindai')
    expect(pairing).toMatch(/<svg[^>]*>/)
    expect(pairing).not.toContain('pairing-ref')
    expect(pairing).toContain('href="/admin/wa"')
    const png = await app.request('/admin/whatsapp/qr.png', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(png.headers.get('content-type')).toBe('image/png')
    qr = undefined
    expect(await (await admin.get('/admin/wa')).text()).toContain('Tersambung')

    const supervisor = await signInAs(app, month.db, month.seed.supSgs)
    expect((await supervisor.get('/admin/wa')).status).toBe(403)
    expect(await (await supervisor.get('/admin')).text()).not.toContain('href="/admin/wa"')
  })
})
