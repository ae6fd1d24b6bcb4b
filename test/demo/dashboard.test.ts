/**
 * The dashboard on the demo month (what a newcomer sees after `npm run seed:demo`): the cards
 * show the demo's figures, Pelatihan lists the 12 cohorts with the same figures as the indicator
 * queries, and Ringkasan has the schematic map of visits per kecamatan with its table.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { countVisitsByKecamatan } from '../../src/db/queries/indicators.js'
import { seedDemo } from '../../src/demo/write.js'
import { KECAMATAN_POSITIONS } from '../../src/domain/kecamatan-positions.js'
import { shadeStep } from '../../src/http/admin/kecamatan-map.js'
import { type createBrowser, createDashboardApp, signInWithToken } from '../harness/admin.js'
import { useTestDb } from '../harness/db.js'

const NOW = new Date('2026-10-30T03:00:00Z')
const ctx = useTestDb('file')
let admin: ReturnType<typeof createBrowser>

beforeAll(async () => {
  await seedDemo(ctx.db, { now: NOW })
  admin = await signInWithToken(await createDashboardApp(ctx.db, { clock: () => NOW }))
})

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

describe('the demo on the dashboard', () => {
  test('every page says the data is a demo, and of which month', async () => {
    for (const path of ['/admin', '/admin/kunjungan', '/admin/pelatihan', '/admin/orang']) {
      const page = text(await (await admin.get(path)).text())
      expect(page, path).toContain('Data contoh (demo) untuk Oktober 2026.')
      expect(page, path).toContain('bukan data warga sebenarnya')
    }
  })

  test('Ringkasan shows the demo month by default, with its figures', async () => {
    const html = await (await admin.get('/admin')).text()
    const page = text(html)
    expect(page).toContain('1.065 kunjungan ÷ 168 kader aktif')
    expect(page).toContain('168 dari 200')
    expect(page).toContain('1.917 dari 2.400') // attendance
    expect(page).toContain('185 dari 300') // completion (four marked belum kompeten)
  })

  test('the map places all 33 kecamatan, shaded by visits, with a title, a description and a table', async () => {
    const html = await (await admin.get('/admin?bulan=2026-10')).text()
    const start = html.indexOf('id="map-visits"')
    expect(start).toBeGreaterThan(0)
    const map = html.slice(start, html.indexOf('</figure>', start))
    expect(map).toContain('role="img"')
    expect(map).toMatch(/<title id="map-visits-title">Peta kunjungan per kecamatan<\/title>/)
    expect(map).toMatch(/<desc id="map-visits-desc">Peta skematis Kabupaten Malang/)
    expect(map.match(/<g data-code="35\.07\.\d\d">/g)).toHaveLength(33)

    const counts = await countVisitsByKecamatan(ctx.db, { period: '2026-10', scope: '35.07' })
    const max = Math.max(...counts.values())
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(1065)
    // Singosari's square: its name, its count, the shade of its step, in the table too.
    const singosari = counts.get('35.07.24') ?? 0
    const square = map.slice(map.indexOf('<g data-code="35.07.24">'))
    expect(square).toContain(`<title>Singosari: ${singosari}</title>`)
    const shades = ['#eef2f7', '#c6dbef', '#6baed6', '#2171b5', '#08306b']
    expect(square.slice(0, 600)).toContain(`fill="${shades[shadeStep(singosari, max)]}"`)
    expect(text(map)).toContain(`Singosari ${singosari}`)
    expect(KECAMATAN_POSITIONS).toHaveLength(33)
  })

  test('a kecamatan chosen: the map shows the others as outside the region', async () => {
    const html = await (await admin.get('/admin?bulan=2026-10&kecamatan=35.07.24')).text()
    const map = html.slice(html.indexOf('id="map-visits"'))
    expect(map).toContain('<title>Lawang: di luar wilayah yang ditampilkan</title>')
    expect(map).not.toContain('<title>Singosari: di luar')
  })

  test('Pelatihan lists the 12 cohorts with their attendance', async () => {
    const html = await (await admin.get('/admin/pelatihan')).text()
    const page = text(html)
    for (const code of ['KPJ-MJ-01', 'SGS-MK-01', 'DAU-MK-01']) expect(page).toContain(code)
    expect(html.match(/href="\/admin\/pelatihan\/\d+"/g)).toHaveLength(12)
  })
})

describe('the training’s effectiveness on the demo', () => {
  test('Pelatihan shows the ibu-muda figures with their n and formulas, none empty', async () => {
    const page = text(await (await admin.get('/admin/pelatihan')).text())
    const start = page.indexOf('Efektivitas program IBU-MUDA')
    expect(start).toBeGreaterThan(0)
    const section = page.slice(start, start + 3000)
    // The figures of test/demo/outcomes.test.ts, each beside its n (graduates who answered both).
    expect(section).toMatch(/33,3 poin persen 51 /)
    expect(section).toMatch(/17,6 poin persen 51 /)
    expect(section).toMatch(/31,4% 51 /)
    expect(section).toMatch(/71,1% 90 /)
    expect(section).toMatch(/89,6% 144 /)
  })
})

describe('shade steps', () => {
  test('none, then four equal steps up to the largest', () => {
    expect([0, 1, 25, 26, 50, 51, 75, 76, 100].map((v) => shadeStep(v, 100))).toEqual([
      0, 1, 1, 2, 2, 3, 3, 4, 4,
    ])
    expect(shadeStep(3, 0)).toBe(0)
  })
})
