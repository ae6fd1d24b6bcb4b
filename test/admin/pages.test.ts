/**
 * The dashboard's pages on the hand-seeded month of `test/harness/admin.ts`, through
 * `app.request()` on the real database: indicator values worked out by hand, charts, visit
 * filters and paging, supervisor scope enforced in the queries (lists, detail URLs, filters),
 * audit rows for visit details, the training grid, approvals, CSV import and HTML escaping.
 */
import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { beforeAll, describe, expect, test } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { holdMessages } from '../../src/db/queries/outbox.js'
import { auditLog, outbox, people, visits } from '../../src/db/schema/index.js'
import {
  SCRIPT_NAME,
  type createBrowser,
  createDashboardApp,
  signInAs,
  signInWithToken,
  useSeededDashboard,
} from '../harness/admin.js'
import { giveConsent } from '../harness/runtime.js'

const month = useSeededDashboard()
let app: Awaited<ReturnType<typeof createDashboardApp>>
type Browser = ReturnType<typeof createBrowser>
let admin: Browser
let supSgs: Browser
let supTjn: Browser

beforeAll(async () => {
  app = await createDashboardApp(month.db)
  admin = await signInWithToken(app)
  supSgs = await signInAs(app, month.db, month.seed.supSgs)
  supTjn = await signInAs(app, month.db, month.seed.supTjn)
})

/** The text of one indicator card: value and counts. */
function card(html: string, id: string): string {
  const start = html.indexOf(`id="ind-${id}"`)
  if (start < 0) throw new Error(`no card ${id}`)
  const end = html.indexOf('</section>', start)
  return html
    .slice(start, end)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
}

describe('Ringkasan', () => {
  test('real data carries no demo banner', async () => {
    const html = await (await admin.get('/admin')).text()
    expect(html).not.toContain('demo-banner')
    expect(html).not.toContain('Data contoh')
  })

  test('the kabupaten figures for November 2025 match the hand count, formulas shown', async () => {
    const html = await (await admin.get('/admin?bulan=2025-11')).text()
    // Visits: V1 V2 (siti), V3 (ani), V4 (rina) = 4 by 3 active cadres → 4 ÷ 3 = 1,3.
    expect(card(html, 'visitsPerCadre')).toContain('1,3')
    expect(card(html, 'visitsPerCadre')).toContain('4 kunjungan ÷ 3 kader aktif')
    // Registered cadres siti ani dewi rina = 4 (nur, tuti pending); active 3 → 75%.
    expect(card(html, 'activeCadreRate')).toContain('75%')
    expect(card(html, 'activeCadreRate')).toContain('3 dari 4')
    // Families F1 F2 F3 F4.
    expect(card(html, 'familiesVisited')).toContain(' 4 ')
    // Referrals at V1 (sudah), V2 (belum), V4 (ditolak): 1 ÷ 3 = 33,3%.
    expect(card(html, 'referralCompletion')).toContain('33,3%')
    // KRS families F1 F3 F4 F5 = 4, visited F1 F3 F4 = 3 → 75%.
    expect(card(html, 'krsCoverage')).toContain('3 dari 4')
    // PUS visited F1 F2 F3 F4; modern: suntik_3, implan, kondom = 3 → 75%.
    expect(card(html, 'kbParticipation')).toContain('3 dari 4')
    // Training as of 28 Nov: present p1 2 + p2 1 = 3 ÷ (2 × 2 + 1 × 0) = 75%.
    expect(card(html, 'attendanceRate')).toContain('75%')
    // Completion: p1 2/2 ≥ 80%, p2 1/2 not, p3 no session → 1 ÷ 3 = 33,3%.
    expect(card(html, 'completionRate')).toContain('33,3%')
    // Drop-out: nobody withdrawn, fewer than 3 sessions → 0 ÷ 3 = 0%.
    expect(card(html, 'dropOutRate')).toContain('0%')
    // Target: 3 enrolled ÷ 300 = 1%.
    expect(card(html, 'targetAchievement')).toContain('1%')
    expect(card(html, 'targetAchievement')).toContain('3 dari 300')
    expect(html).toContain(
      'Kader dengan minimal 1 laporan kunjungan dalam bulan ÷ kader terdaftar × 100.'
    )
    expect(html).toContain('Periode November 2025, Seluruh Kabupaten Malang')
  })

  test('a kecamatan narrows the figures; charts carry titles and text alternatives', async () => {
    const html = await (await admin.get('/admin?bulan=2025-11&kecamatan=35.07.24')).text()
    // Singosari: visits V1 V2 V3 = 3 by siti, ani → 3 ÷ 2 = 1,5; registered siti ani dewi → 2 ÷ 3.
    expect(card(html, 'visitsPerCadre')).toContain('1,5')
    expect(card(html, 'activeCadreRate')).toContain('66,7%')
    expect(card(html, 'referralCompletion')).toContain('1 dari 2')
    // KRS F1 F3 F5 known, F1 F3 visited; PUS F1 F2 F3, modern F1 F3.
    expect(card(html, 'krsCoverage')).toContain('2 dari 3')
    expect(card(html, 'kbParticipation')).toContain('2 dari 3')
    // Training in Singosari only: 3 ÷ (2 × 2) = 75%, completion 1 ÷ 2 = 50%.
    expect(card(html, 'attendanceRate')).toContain('3 dari 4')
    expect(card(html, 'completionRate')).toContain('50%')

    // Visits per week: V1 (3 Nov) in 1–7, V2 (10 Nov) in 8–14, V3 (18 Nov) in 15–21.
    const weeks = html.slice(html.indexOf('id="chart-weeks"'), html.indexOf('id="chart-cohorts"'))
    expect(weeks).toContain('role="img"')
    expect(weeks).toMatch(/<title id="chart-weeks-title">Kunjungan per minggu<\/title>/)
    expect(weeks).toContain('<desc id="chart-weeks-desc">')
    expect(weeks.replace(/<[^>]+>/g, '|')).toMatch(/\|1–7\|\|1\|/)
    expect(weeks).toContain('29–30')
    const cohorts = html.slice(
      html.indexOf('id="chart-cohorts"'),
      html.indexOf('id="chart-cadres"')
    )
    expect(cohorts).toContain('SGS-MJ-01')
    expect(cohorts).toContain('75%')
    const cadres = html.slice(html.indexOf('id="chart-cadres"'))
    expect(cadres).toContain('Singosari')
    expect(cadres).toContain('66,7%')
  })

  test('a supervisor sees their kecamatan and cannot widen it by URL', async () => {
    const own = await (await supSgs.get('/admin?bulan=2025-11')).text()
    expect(card(own, 'visitsPerCadre')).toContain('1,5')
    const other = await (await supSgs.get('/admin?bulan=2025-11&kecamatan=35.07.15')).text()
    expect(other).toContain('Sebagian filter tidak valid')
    expect(card(other, 'visitsPerCadre')).toContain('1,5')
    expect(card(other, 'referralCompletion')).toContain('1 dari 2')
    // Tajinan's supervisor: V4 only, rina active of rina → 1 ÷ 1.
    const tajinan = await (await supTjn.get('/admin?bulan=2025-11')).text()
    expect(card(tajinan, 'activeCadreRate')).toContain('1 dari 1')
    expect(tajinan).not.toContain('SGS-MJ-01')
  })
})

describe('a desa-level supervisor', () => {
  test('sees only their desa: visits, indicators, and no training of the kecamatan', async () => {
    const [row] = await month.db
      .insert(people)
      .values({ name: 'Sri Desa', roles: ['supervisor'], regionCode: '35.07.24.2001' })
      .returning({ id: people.id })
    const desa = await signInAs(app, month.db, row!.id)
    const list = await (await desa.get('/admin/kunjungan?kecamatan=35.07.24')).text()
    expect(list).toContain('Budi Santoso')
    expect(list).not.toContain('Joko') // Dengkol, same kecamatan
    expect((await desa.get(`/admin/kunjungan/${month.seed.visits.v3}`)).status).toBe(404)
    const summary = await (await desa.get('/admin?bulan=2025-11&kecamatan=35.07.24')).text()
    // Wonorejo: siti's V1 V2 by 1 active of 1 registered cadre → 2 ÷ 1 = 2.
    expect(card(summary, 'visitsPerCadre')).toContain('2 kunjungan ÷ 1 kader aktif')
    expect(summary).toContain('wilayah desa tidak punya kelompok pelatihan sendiri')
    expect((await desa.get(`/admin/pelatihan/${month.seed.cohorts.sgs}`)).status).toBe(404)
  })
})

describe('Kunjungan', () => {
  test('lists and filters visits; names are escaped', async () => {
    const html = await (await admin.get('/admin/kunjungan?bulan=2025-11')).text()
    for (const name of ['Budi Santoso', 'Joko', 'Hadi']) expect(html).toContain(name)
    expect(html).not.toContain('<script>alert')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Keluarga')
    expect(SCRIPT_NAME).toContain('<script>')

    const referred = await (await admin.get('/admin/kunjungan?rujukan=sudah_dilayani')).text()
    expect(referred).toContain('Budi Santoso')
    expect(referred).not.toContain('Joko')
    const none = await (await admin.get('/admin/kunjungan?rujukan=none')).text()
    expect(none).toContain('Joko')
    expect(none).not.toContain('Budi Santoso')
    const byCadre = await (await admin.get(`/admin/kunjungan?kader=${month.seed.siti}`)).text()
    expect(byCadre).toContain('Budi Santoso')
    expect(byCadre).not.toContain('Hadi')
    const bumil = await (await admin.get('/admin/kunjungan?sasaran=bumil')).text()
    expect(bumil).toContain('Tidak ada kunjungan yang cocok')
    const desa = await (
      await admin.get('/admin/kunjungan?kecamatan=35.07.24&desa=35.07.24.2002')
    ).text()
    expect(desa).toContain('Joko')
    expect(desa).not.toContain('Budi Santoso')
    // A bad filter value is dropped, not an error.
    expect((await admin.get('/admin/kunjungan?bulan=kemarin&kader=abc')).status).toBe(200)
  })

  test('pages by keyset cursor', async () => {
    // Newest visit date first: V3 (18), V2 (10), V4 (7), V1 (3); after V2 come V4 and V1.
    const html = await (
      await admin.get(`/admin/kunjungan?setelah=2025-11-10_${month.seed.visits.v2}`)
    ).text()
    expect(html).toContain('Hadi')
    expect(html).toContain('Budi Santoso')
    expect(html).not.toContain('Joko')
  })

  test('a supervisor cannot see or open another kecamatan visit', async () => {
    const list = await (await supSgs.get('/admin/kunjungan')).text()
    expect(list).toContain('Budi Santoso')
    expect(list).not.toContain('Hadi')
    const widened = await (await supSgs.get('/admin/kunjungan?kecamatan=35.07.15')).text()
    expect(widened).not.toContain('Hadi')
    const opened = await supSgs.get(`/admin/kunjungan/${month.seed.visits.v4}`)
    expect(opened.status).toBe(404)
    expect(await opened.text()).not.toContain('Hadi')
    expect((await supSgs.get(`/admin/kunjungan/${month.seed.visits.v4}/foto`)).status).toBe(404)
    const audits = await month.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, `visit:${month.seed.visits.v4}`))
    expect(audits).toEqual([])
  })

  test('opening a visit detail shows it and writes an audit row', async () => {
    const response = await supSgs.get(`/admin/kunjungan/${month.seed.visits.v1}`)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('Budi Santoso')
    expect(html).toContain('Suntik 3 bulan')
    expect(html).toContain('Sudah dilayani')
    expect(html).toContain('https://www.openstreetmap.org/?mlat=-7.89&amp;mlon=112.66')
    expect(html).toContain(`src="/admin/kunjungan/${month.seed.visits.v1}/foto"`)
    const audits = await month.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, `visit:${month.seed.visits.v1}`))
    expect(audits).toMatchObject([
      {
        actor: `person:${month.seed.supSgs}`,
        action: 'visit_viewed',
        detail: { familyId: expect.any(Number) },
      },
    ])
  })
})

describe('visit photo', () => {
  test('served to viewers in scope only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaderbot-admin-media-'))
    try {
      const media = createMediaStore(dir)
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
        'base64'
      )
      const ref = await media.put(png, 'png')
      await month.db
        .update(visits)
        .set({ photoRef: ref })
        .where(eq(visits.id, month.seed.visits.v2))
      const photoApp = await createDashboardApp(month.db, { media })
      const own = await signInAs(photoApp, month.db, month.seed.supSgs)
      const response = await own.get(`/admin/kunjungan/${month.seed.visits.v2}/foto`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('image/png')
      expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true)
      const other = await signInAs(photoApp, month.db, month.seed.supTjn)
      expect((await other.get(`/admin/kunjungan/${month.seed.visits.v2}/foto`)).status).toBe(404)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('Pelatihan', () => {
  test('cohorts with their figures, and the attendance grid', async () => {
    const list = await (await admin.get('/admin/pelatihan')).text()
    expect(list).toContain('SGS-MJ-01')
    expect(list).toContain('TJN-MK-01')
    const grid = await (await admin.get(`/admin/pelatihan/${month.seed.cohorts.sgs}`)).text()
    expect(grid).toContain('Peserta Satu')
    expect(grid).toContain('class="s-late"')
    expect(grid).toContain('class="s-izin"')
    // p1 present + late = 2 of 2 held; p2 present + izin = 1 of 2.
    expect(grid).toMatch(/Peserta Dua[\s\S]*?1\/2/)
    expect(grid).toMatch(/Peserta Satu[\s\S]*?2\/2/)
  })

  test('a supervisor sees only their cohorts, and not another by URL', async () => {
    const list = await (await supSgs.get('/admin/pelatihan')).text()
    expect(list).toContain('SGS-MJ-01')
    expect(list).not.toContain('TJN-MK-01')
    expect((await supSgs.get(`/admin/pelatihan/${month.seed.cohorts.tjn}`)).status).toBe(404)
  })
})

describe('Orang', () => {
  test('a supervisor approves a registration in scope, not one outside', async () => {
    const page = await (await supSgs.get('/admin/orang')).text()
    expect(page).toContain('Nur Hidayah')
    expect(page).not.toContain('Tuti')
    expect(page).not.toContain('+62')
    const csrf = await supSgs.csrf('/admin/orang')

    const outside = await supSgs.post(`/admin/orang/${month.seed.tuti}/keputusan`, {
      _csrf: csrf,
      keputusan: 'setujui',
    })
    expect(outside.headers.get('location')).toBe('/admin/orang?keputusan=sudah')
    const [tuti] = await month.db.select().from(people).where(eq(people.id, month.seed.tuti))
    expect(tuti!.status).toBe('pending')

    const approved = await supSgs.post(`/admin/orang/${month.seed.nur}/keputusan`, {
      _csrf: csrf,
      keputusan: 'setujui',
    })
    expect(approved.status).toBe(303)
    const [nur] = await month.db.select().from(people).where(eq(people.id, month.seed.nur))
    expect(nur!.status).toBe('active')
    const audits = await month.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, `person:${month.seed.nur}`))
    expect(audits).toMatchObject([
      { actor: `person:${month.seed.supSgs}`, action: 'registration_approved' },
    ])
    // Nur's chat never accepted the privacy notice: her answer waits for it, and the page says so.
    expect(approved.headers.get('location')).toBe('/admin/orang?keputusan=setujui-nanti')
    const told = await month.db.select().from(outbox).where(eq(outbox.personId, month.seed.nur))
    expect(told).toMatchObject([{ status: 'waiting', recipientId: null }])
    expect(await (await supSgs.get('/admin/orang?keputusan=setujui-nanti')).text()).toContain(
      'Pendaftaran disetujui. Kader belum bisa dihubungi lewat chat; beliau akan menerima kabar ini saat mulai memakai bot.'
    )
  })

  test('who cannot be reached by chat, why, and their waiting notices, within the scope', async () => {
    await holdMessages(month.db, [
      { personId: month.seed.supTjn, priority: 1, message: { text: 'Pendaftaran kader baru' } },
      { personId: month.seed.supTjn, priority: 1, message: { text: 'Pendaftaran kader lain' } },
    ])
    await giveConsent(month.db, ['sim-siti'])
    const section = (html: string) => {
      const start = html.indexOf('id="unreachable"')
      if (start < 0) throw new Error('no unreachable section')
      const text = html.slice(start, html.indexOf('</section>', start))
      return text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
    }
    const all = section(await (await admin.get('/admin/orang')).text())
    // Yanto (Tajinan) never wrote and has the two notices: listed first.
    expect(all).toContain('Yanto Supervisor Tajinan Belum pernah mengirim pesan ke bot 2')
    expect(all.indexOf('Yanto')).toBeLessThan(all.indexOf('Lestari'))
    // Lestari has a chat that never accepted the privacy notice; Siti's chat did, so she is not listed.
    expect(all).toContain('Lestari Supervisor Singosari Belum menyetujui pemberitahuan privasi 0')
    expect(all).not.toContain('Siti Rahayu')
    // A Singosari supervisor sees only her kecamatan.
    const scoped = section(await (await supSgs.get('/admin/orang')).text())
    expect(scoped).toContain('Lestari')
    expect(scoped).not.toContain('Yanto')
  })

  test('an admin starts a CSV import as a job (test/admin/import-jobs.test.ts); a supervisor may not', async () => {
    const csv = 'nama;telepon;peran;kode_wilayah\nSri Wahyuni;0812-3456-7001;kader;35.07.24.2001'
    const form = (csrf: string) => {
      const data = new FormData()
      data.set('_csrf', csrf)
      data.set('berkas', new File([csv], 'orang.csv', { type: 'text/csv' }))
      return data
    }
    const refused = await supSgs.post('/admin/orang/impor', form(await supSgs.csrf('/admin/orang')))
    expect(refused.status).toBe(403)

    const response = await admin.post('/admin/orang/impor', form(await admin.csrf('/admin/orang')))
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toMatch(/^\/admin\/impor\/\d+$/)
  })
})

describe('Unduhan', () => {
  test('a supervisor downloads the visits of their scope as CSV, audit-logged', async () => {
    const list = await (await supSgs.get('/admin/kunjungan?bulan=2025-11')).text()
    expect(list).toContain('href="/admin/ekspor/kunjungan.csv?bulan=2025-11"')
    const response = await supSgs.get('/admin/ekspor/kunjungan.csv?bulan=2025-11')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-disposition')).toContain('kunjungan_2025-11.csv')
    const csv = await response.text()
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toContain('Nomor laporan')
    // Singosari's V1 V2 V3; never Tajinan's V4 (desa 35.07.15.2001).
    expect(lines).toHaveLength(1 + 3)
    expect(csv).not.toContain('35.07.15.2001')
    const audits = await month.db.select().from(auditLog).where(eq(auditLog.subject, 'visits.csv'))
    expect(audits).toMatchObject([
      {
        actor: `person:${month.seed.supSgs}`,
        action: 'export',
        detail: { bulan: '2025-11', scope: '35.07.24' },
      },
    ])
    expect((await supSgs.get('/admin/ekspor/kunjungan.csv?kecamatan=35.07.15')).status).toBe(404)
  })

  test('an admin downloads a cohort daftar hadir as XLSX and reads it back', async () => {
    const grid = await (await admin.get(`/admin/pelatihan/${month.seed.cohorts.sgs}`)).text()
    expect(grid).toContain('href="/admin/ekspor/daftar-hadir.xlsx?kelompok=SGS-MJ-01"')
    const response = await admin.get('/admin/ekspor/daftar-hadir.xlsx?kelompok=SGS-MJ-01')
    expect(response.status).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(await response.arrayBuffer())
    const sheet = workbook.worksheets[0]!
    // Header + 2 participants × 2 sessions, in daftar hadir order (session date, then name).
    expect(sheet.rowCount).toBe(5)
    const names = [2, 3, 4, 5].map((n) => String(sheet.getRow(n).values))
    expect(names[0]).toContain('Peserta Dua')
    expect(names[1]).toContain('Peserta Satu')
    expect(names[2]).toContain('2025-11-10')
  })
})
