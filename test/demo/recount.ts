/**
 * The figures of docs/domain.md, decision 13 counted again from a demo plan in plain JavaScript,
 * the way one would by hand from the rows: the tests compare these, and fixed numbers, with what
 * the indicator queries compute from the database.
 */
import type { DemoPlan } from '../../src/demo/plan.js'
import { MODERN_KB_METHODS } from '../../src/domain/visits.js'

const pct = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 10)

/** The visit figures of the whole kabupaten, or of the kecamatan `scope`, for the plan's month. */
export function recountVisits(plan: DemoPlan, scope = '35.07') {
  const within = (code: string) => code === scope || code.startsWith(`${scope}.`)
  const submitted = plan.visits
    .map((visit, index) => ({ visit, index }))
    .filter(({ visit }) => visit.status === 'submitted' && visit.visitDate.startsWith(plan.period))
  // Cadre figures: by the cadre's own region.
  const cadres = plan.people
    .map((person, index) => ({ person, index }))
    .filter(({ person }) => person.roles.includes('kader') && within(person.regionCode))
  const cadreSet = new Set(cadres.map((c) => c.index))
  const byCadres = submitted.filter(({ visit }) => cadreSet.has(visit.cadre))
  const active = new Set(byCadres.map(({ visit }) => visit.cadre)).size
  // Family figures: by the visit's or family's desa.
  const inScope = submitted.filter(({ visit }) => within(visit.desaCode))
  const familiesVisited = new Set(inScope.map(({ visit }) => visit.family)).size
  const submittedIndex = new Set(inScope.map(({ index }) => index))
  const made = plan.referrals.filter((r) => submittedIndex.has(r.visit))
  const closed = made.filter((r) => r.status === 'sudah_dilayani')
  const krsFamilies = plan.families
    .map((family, index) => ({ family, index }))
    .filter(({ family }) => family.krs && within(family.desaCode))
  const visitedFamilies = new Set(inScope.map(({ visit }) => visit.family))
  const krsVisited = krsFamilies.filter(({ index }) => visitedFamilies.has(index)).length
  const pus = new Set(
    inScope.filter(({ visit }) => visit.sasaran.includes('pus')).map(({ visit }) => visit.family)
  )
  let modern = 0
  for (const family of pus) {
    const latest = submitted
      .filter(({ visit }) => visit.family === family)
      .sort(
        (a, b) =>
          b.visit.visitDate.localeCompare(a.visit.visitDate) ||
          b.visit.createdAt.getTime() - a.visit.createdAt.getTime()
      )[0]!
    if ((MODERN_KB_METHODS as readonly string[]).includes(latest.visit.kbMethod ?? '')) modern++
  }
  return {
    visitsPerCadre: {
      visits: byCadres.length,
      activeCadres: active,
      value: active === 0 ? null : Math.round((byCadres.length / active) * 10) / 10,
    },
    activeCadreRate: { active, registered: cadres.length, value: pct(active, cadres.length) },
    familiesVisited,
    referralCompletion: {
      closed: closed.length,
      made: made.length,
      value: pct(closed.length, made.length),
    },
    krsCoverage: {
      visited: krsVisited,
      known: krsFamilies.length,
      value: pct(krsVisited, krsFamilies.length),
    },
    kbParticipation: { modern, pusVisited: pus.size, value: pct(modern, pus.size) },
  }
}

/** The training figures of every cohort (`cohort` undefined) or one, every session held. */
export function recountTraining(plan: DemoPlan, cohort?: number) {
  const enrolled = plan.enrollments.filter((e) => cohort === undefined || e.cohort === cohort)
  const statusOf = new Map(plan.attendance.map((a) => [`${a.session}:${a.person}`, a.status]))
  // The mentor's belum-kompeten mark holds a participant back (docs/domain.md, decision 2).
  const belum = new Set(
    plan.outcomes.kompeten.filter((k) => !k.kompeten).map((k) => plan.enrollments[k.enrollment])
  )
  let present = 0
  let possible = 0
  let dropOuts = 0
  let completers = 0
  for (const e of enrolled) {
    const sessions = plan.sessions
      .map((s, index) => ({ s, index }))
      .filter(({ s }) => s.cohort === e.cohort)
    const statuses = sessions.map(({ index }) => statusOf.get(`${index}:${e.person}`) ?? null)
    const here = statuses.filter((s) => s === 'present' || s === 'late').length
    present += here
    possible += sessions.length
    const lastThree = statuses.slice(-3)
    if (e.status === 'withdrawn' || lastThree.every((s) => s === null || s === 'absent')) {
      dropOuts++
    }
    // 0.8 × 8 sessions = 6.4: seven present sessions complete.
    if (e.status !== 'withdrawn' && !belum.has(e) && here * 1000 >= 800 * sessions.length) {
      completers++
    }
  }
  return {
    attendanceRate: { numerator: present, denominator: possible, value: pct(present, possible) },
    dropOutRate: {
      numerator: dropOuts,
      denominator: enrolled.length,
      value: pct(dropOuts, enrolled.length),
    },
    completionRate: {
      numerator: completers,
      denominator: enrolled.length,
      value: pct(completers, enrolled.length),
    },
    targetAchievement: {
      numerator: enrolled.length,
      denominator: 300,
      value: pct(enrolled.length, 300),
    },
  }
}
