/**
 * The dashboard's training page shows each programme's effectiveness figures with n and the
 * formula in words, for the hand-worked graduates of `test/harness/training-effectiveness.ts`.
 */
import { expect, test } from 'vitest'
import { createDashboardApp, signInWithToken } from '../harness/admin.js'
import { useTestDb } from '../harness/db.js'
import { seedEffectivenessCohort } from '../harness/training-effectiveness.js'

const handle = useTestDb()

test('Pelatihan: effectiveness per programme with n and formulas', async () => {
  await seedEffectivenessCohort(handle.db)
  const app = await createDashboardApp(handle.db, {
    clock: () => new Date('2027-02-10T01:00:00Z'),
  })
  const page = await (await (await signInWithToken(app)).get('/admin/pelatihan')).text()
  expect(page).toContain('Efektivitas program IBU-MUDA')
  const row = (key: string) => {
    const match = new RegExp(`<tr data-key="${key}">([\\s\\S]*?)</tr>`).exec(page)
    expect(match, key).not.toBeNull()
    return match![1]!.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|')
  }
  // (2 − 1) ÷ 3 answered both = +33.3 pp; n = 3 (A, B, C).
  expect(row('businessStartChange')).toMatch(
    /^\|Perubahan punya usaha\|33,3 poin persen\|3\|\(lulusan yang punya usaha sendiri .*poin persen\|$/
  )
  expect(row('onlineSellingChange')).toMatch(/\|33,3 poin persen\|3\|/)
  expect(row('incomeBracketUp')).toMatch(/^\|Naik kelompok penghasilan\|33,3%\|3\|lulusan /)
  // 5 of 6 graduates answered a follow-up (D only the baseline).
  expect(row('tracerResponseRate')).toMatch(/\|83,3%\|6\|/)
  // A, B kompeten of 3 marked.
  expect(row('kompetenRate')).toMatch(/\|66,7%\|3\|peserta yang dinyatakan kompeten/)
})
