/**
 * The KB part of the Ringkasan (docs/domain.md "KB register"): the six KB indicators with their
 * formulas and denominators, and PA and new acceptors by SIGA method, on the hand-seeded November
 * 2025 of `test/harness/admin.ts` with a KB register row for each of its visits.
 */
import { inArray } from 'drizzle-orm'
import { beforeAll, expect, test } from 'vitest'
import { recordKbEvent } from '../../src/db/queries/kb-register.js'
import { visits } from '../../src/db/schema/index.js'
import { createDashboardApp, signInWithToken, useSeededDashboard } from '../harness/admin.js'

const month = useSeededDashboard()

/*
 * Register rows from the visits: V1 F1 suntik_3 (new this month), V2 F2 tradisional, V3 F3
 * implan, V4 F4 kondom. End of November: 4 users, 3 modern (all but tradisional), 1 MKJP
 * (implan); PUS visited 4, none imported; no user at the end of October.
 */
beforeAll(async () => {
  const { v1, v2, v3, v4 } = month.seed.visits
  const rows = await month.db
    .select()
    .from(visits)
    .where(inArray(visits.id, [v1, v2, v3, v4]))
  for (const visit of rows) {
    await recordKbEvent(month.db, {
      familyId: visit.familyId,
      desaCode: visit.desaCode,
      visitId: visit.id,
      recordedBy: visit.cadreId,
      eventDate: visit.visitDate,
      status: 'ber_kb',
      method: visit.kbMethod,
      newAcceptor: visit.id === v1,
      servicePlace: visit.id === v1 ? 'pemerintah' : null,
      jkn: visit.id === v1 ? true : null,
      intent: null,
      createdAt: visit.createdAt,
    })
  }
})

/** The text of one indicator card. */
function card(html: string, id: string): string {
  const start = html.indexOf(`id="ind-${id}"`)
  if (start < 0) throw new Error(`no card ${id}`)
  return html
    .slice(html.indexOf('>', start) + 1, html.indexOf('</section>', start))
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

test('the kabupaten in November 2025: KB cards with formulas and denominators, and by method', async () => {
  const app = await createDashboardApp(month.db)
  const admin = await signInWithToken(app)
  const html = await (await admin.get('/admin?bulan=2025-11')).text()
  expect(html).toContain('Keluarga berencana (register KB)')
  expect(card(html, 'kbActiveUsers')).toMatch(/^Peserta KB aktif \(PA\) 4 Rumus/)
  expect(card(html, 'kbNewAcceptors')).toMatch(/^Peserta KB baru \(PB\) 1 Rumus/)
  // 1 implan ÷ 4 users.
  expect(card(html, 'mkjpShare')).toContain('25% 1 dari 4 Rumus')
  // 3 modern ÷ 4 PUS visited; no imported PUS, and the card says so.
  expect(card(html, 'mcpr')).toContain(
    '75% 3 dari 4 PUS yang dikunjungi (belum ada data PUS impor untuk semua desa)'
  )
  expect(card(html, 'unmetNeed')).toContain('0% 0 dari 4 PUS yang dikunjungi')
  // Nobody was a user at the end of October: no denominator.
  expect(card(html, 'kbDropOutRate')).toContain('– 0 dari 0')
  const table = html.slice(
    html.indexOf('id="kb-by-method"'),
    html.indexOf('</table>', html.indexOf('id="kb-by-method"'))
  )
  const cells = [
    ...table.matchAll(/<th scope="row">([A-Z]+)<\/th><td>(\d+)<\/td><td>(\d+)<\/td>/g),
  ].map((m) => `${m[1]} ${m[2]} ${m[3]}`)
  expect(cells).toEqual([
    'IUD 0 0',
    'MOW 0 0',
    'MOP 0 0',
    'IMPLAN 1 0',
    'SUNTIK 1 1',
    'PIL 0 0',
    'KONDOM 1 0',
    'MAL 0 0',
    'TRADISIONAL 1 0',
  ])
})
