/**
 * "Lapor": a cadre reports a home visit (docs/domain.md#the-home-visit). Which family (a
 * typo-tolerant search in the cadre's desa, or a new family with its consent), the date (today
 * unless said otherwise), the sasaran and only the questions they call for, risks, actions, a
 * referral when "rujukan" was chosen, optional evidence and note, then the summary.
 * @module
 */
import { z } from 'zod'
import {
  addDays,
  askChoice,
  askDate,
  askLocation,
  askMultiChoice,
  askNumber,
  askPhoto,
  askPickOrText,
  askText,
  askYesNo,
  defineFlow,
  today,
} from '../engine/index.js'
import type {
  Answers,
  ChoiceOption,
  Completion,
  FlowContext,
  JsonValue,
  Text,
  TextParam,
} from '../engine/index.js'
import type { VisitReported } from '../domain/effects.js'
import type { DataNeed, FamilyMatch, LastVisit } from '../domain/snapshot.js'
import {
  KB_SERVICES,
  KB_SERVICE_PLACES,
  type KbRecorded,
  type KbStatus,
  kbServiceOf,
} from '../domain/kb.js'
import { isReporter } from './reporters.js'
import {
  ACTIONS,
  ENV_RISKS,
  FOLLOW_UP_DAYS,
  HB_G_DL,
  KB_INTENTS,
  KB_METHODS,
  KB_STATUSES,
  LILA_CM,
  MAX_VISIT_AGE_DAYS,
  REFERRAL_REASONS,
  REFERRAL_TARGETS,
  RISK_4T,
  SASARAN,
} from '../domain/visits.js'

/** The option that adds the typed name as a new family. */
const NEW_FAMILY = 'new'
/** How a family picked from the cadre's recent ones is answered (`recent:<family id>`). */
const RECENT = 'recent:'

const chose = (answers: Answers, step: string, value: string) =>
  Array.isArray(answers[step]) && (answers[step] as string[]).includes(value)
const forPus = (a: Answers) => chose(a, 'sasaran', 'pus')
const pregnant = (a: Answers) => chose(a, 'sasaran', 'bumil')
const forPregnancy = (a: Answers) => chose(a, 'sasaran', 'bumil') || chose(a, 'sasaran', 'pus')
const forNutrition = (a: Answers) => chose(a, 'sasaran', 'bumil') || chose(a, 'sasaran', 'catin')
const referred = (a: Answers) => chose(a, 'actions', 'rujukan')
const newFamily = (a: Answers) => a.family === NEW_FAMILY

/** The cadre's own desa, where searches look and new families live by default. */
const homeDesa = (ctx: FlowContext) => ctx.snapshot.person?.regionCode ?? ''
const searchKey = (answers: Answers, ctx: FlowContext) =>
  `${homeDesa(ctx)}|${String(answers.familyQuery ?? '')}`

const isExistingFamily = (a: Answers) => typeof a.family === 'string' && a.family !== NEW_FAMILY
const sameDayKey = (a: Answers) => `${String(a.family)}|${String(a.visitDate)}`
const pickedRecent = (a: Answers) =>
  typeof a.familyQuery === 'string' && a.familyQuery.startsWith(RECENT)
const typedName = (a: Answers) => typeof a.familyQuery === 'string' && !pickedRecent(a)

const recentFamilies = (ctx: FlowContext): FamilyMatch[] =>
  ctx.snapshot.lookups.recentFamilies?.key === RECENT
    ? ctx.snapshot.lookups.recentFamilies.families
    : []

/** The recent family the cadre picked, once the list is loaded. */
function recentPick(answers: Answers, ctx: FlowContext): FamilyMatch | undefined {
  if (!pickedRecent(answers)) return undefined
  const id = String(answers.familyQuery).slice(RECENT.length)
  return recentFamilies(ctx).find((f) => String(f.id) === id)
}

const familyLabel = (f: FamilyMatch) => ({
  key: f.dusunRwRt ? 'visit-report:familyWithPlace' : 'visit-report:familyName',
  params: { name: f.headName, place: f.dusunRwRt ?? '' },
})

const recentOptions = (_answers: Answers, ctx: FlowContext): ChoiceOption[] =>
  recentFamilies(ctx).map((f) => ({ id: `${RECENT}${f.id}`, label: familyLabel(f) }))

/** A recent family picked, or a new one when the typed name found nobody: nothing to ask. */
function knownFamily(answers: Answers, ctx: FlowContext): string | undefined {
  const pick = recentPick(answers, ctx)
  if (pick) return String(pick.id)
  const search = ctx.snapshot.lookups.familySearch
  const searched = typedName(answers) && search?.key === searchKey(answers, ctx)
  return searched && search.results.length === 0 ? NEW_FAMILY : undefined
}

/** The family's latest visit, when the family is known and the visit loaded. */
function lastVisitOf(answers: Answers, ctx: FlowContext): LastVisit | null {
  const found = ctx.snapshot.lookups.lastVisit
  return isExistingFamily(answers) && found?.key === String(answers.family) ? found.visit : null
}

/** An empty text parameter (a line that is not needed this time). */
const NOTHING: Text = { key: 'common:raw', params: { value: '' } }

const withoutNone = (values: readonly string[]) => values.filter((v) => v !== 'tidak_ada')
const RISK_OPTIONS_4T = withoutNone(RISK_4T)
const RISK_OPTIONS_ENV = withoutNone(ENV_RISKS)

/**
 * The answers a routine visit keeps from the family's last one with a single "Ya"
 * (docs/domain.md#the-home-visit), by step; a step added here (a KB detail) is kept the same way.
 */
const KEPT_FROM_LAST: Record<string, (visit: LastVisit) => JsonValue | null> = {
  sasaran: (v) => v.sasaran,
  kbStatus: (v) => v.kbStatus,
  kbMethod: (v) => v.kbMethod,
  kbIntent: (v) => v.kbIntent,
  risks: (v) =>
    v.risk4t.length + v.envRisks.length > 0 ? [...v.risk4t, ...v.envRisks] : ['tidak_ada'],
}

/** The label of one answer value of a kept step, as the last visit recorded it. */
function lastValueLabel(stepId: string, value: string, ctx: FlowContext): string {
  return ctx.label({ key: `visit-report:${stepId}.${value}` })
}

/** A kept answer as its labels, e.g. "PUS (pasangan usia subur), Balita". */
function lastAnswerText(stepId: string, visit: LastVisit, ctx: FlowContext): string | null {
  const value = KEPT_FROM_LAST[stepId]?.(visit)
  if (value === null || value === undefined) return null
  const values = Array.isArray(value) ? value.map(String) : [String(value)]
  return values.map((v) => lastValueLabel(stepId, v, ctx)).join(', ')
}

/**
 * What a kept step needs: with "Ya" to the last visit its answer is the last one (no question);
 * with "Tidak" it is asked with the last answer shown. Changing that Ya/Tidak asks it again.
 */
function keptFromLast(stepId: keyof typeof KEPT_FROM_LAST) {
  return {
    dependsOn: ['sameAsLast'] as const,
    defaultValue: (answers: Answers, ctx: FlowContext) => {
      const visit = lastVisitOf(answers, ctx)
      if (answers.sameAsLast !== true || !visit) return undefined
      return (KEPT_FROM_LAST[stepId]!(visit) ?? undefined) as never
    },
    promptParams: (answers: Answers, ctx: FlowContext): Record<string, TextParam> => {
      const visit = lastVisitOf(answers, ctx)
      const text = visit && lastAnswerText(stepId, visit, ctx)
      return {
        previous: text ? { key: 'visit-report:previous', params: { value: text } } : NOTHING,
      }
    },
  }
}

/** The method the family used at its last visit, if it used one. */
function lastMethod(answers: Answers, ctx: FlowContext): string | null {
  const visit = lastVisitOf(answers, ctx)
  return visit?.kbStatus === 'ber_kb' ? visit.kbMethod : null
}

/**
 * A KB step of a known family: kept with "Ya" to the last visit (`keptFromLast`), and with "Ya"
 * to "Masih pakai suntik 3 bulan?" it is the user's method again; otherwise asked.
 */
function keptOrStill(stepId: 'kbStatus' | 'kbMethod') {
  const kept = keptFromLast(stepId)
  return {
    ...kept,
    dependsOn: ['sameAsLast', 'kbStill'] as const,
    defaultValue: (answers: Answers, ctx: FlowContext) => {
      const fromLast = kept.defaultValue(answers, ctx)
      if (fromLast !== undefined) return fromLast
      const method = lastMethod(answers, ctx)
      if (answers.kbStill !== true || method === null) return undefined
      return (stepId === 'kbStatus' ? 'ber_kb' : method) as never
    },
  }
}

/** A method user whose method is new to the register: first record, or another method than last. */
const newMethod = (a: Answers, ctx: FlowContext) =>
  forPus(a) && a.kbStatus === 'ber_kb' && lastMethod(a, ctx) !== a.kbMethod

/** Where and how the family's unchanged method was served, as the last record says. */
function keptService(a: Answers, ctx: FlowContext) {
  const visit = lastVisitOf(a, ctx)
  return newMethod(a, ctx) || !visit
    ? { servicePlace: null, jkn: null }
    : {
        servicePlace: KB_SERVICE_PLACES.find((place) => place === visit.kbServicePlace) ?? null,
        jkn: visit.kbJkn ?? null,
      }
}

/** "PUS, Ber-KB: Suntik 3 bulan" for the question whether anything changed. */
function lastVisitSummary(answers: Answers, ctx: FlowContext): Record<string, TextParam> {
  const visit = lastVisitOf(answers, ctx)
  if (!visit) return { date: '', last: '' }
  const parts = [
    lastAnswerText('sasaran', visit, ctx),
    visit.kbMethod
      ? lastAnswerText('kbMethod', visit, ctx)
      : lastAnswerText('kbStatus', visit, ctx),
    lastAnswerText('risks', visit, ctx),
  ]
  return {
    date: { key: 'common:value.date', params: { value: visit.visitDate } },
    last: parts.filter((p) => p !== null).join('; '),
  }
}

/** The risk options: the 4 Terlalu where a pregnancy may come, the house's always. */
const riskOptions = (answers: Answers): string[] => [
  ...(forPregnancy(answers) ? RISK_OPTIONS_4T : []),
  ...RISK_OPTIONS_ENV,
  'tidak_ada',
]

/** The reference of this cadre's earlier report on the same family and day, if any. */
function sameDayReference(answers: Answers, ctx: FlowContext): string | null {
  const found = ctx.snapshot.lookups.sameDayVisit
  return isExistingFamily(answers) && found?.key === sameDayKey(answers) ? found.reference : null
}

/** "Tidak ada" must stand alone in a list of risks. */
const noneAlone = (values: string[]) =>
  values.includes('tidak_ada') && values.length > 1
    ? { key: 'visit-report:retry.noneAlone' }
    : undefined

function familyOptions(answers: Answers, ctx: FlowContext): ChoiceOption[] {
  const pick = recentPick(answers, ctx)
  if (pickedRecent(answers)) return pick ? [{ id: String(pick.id), label: familyLabel(pick) }] : []
  const search = ctx.snapshot.lookups.familySearch
  const results = search?.key === searchKey(answers, ctx) ? search.results : []
  return [
    ...results.map((f) => ({ id: String(f.id), label: familyLabel(f) })),
    {
      id: NEW_FAMILY,
      label: { key: 'visit-report:newFamily', params: { name: String(answers.familyQuery ?? '') } },
    },
  ]
}

function desaOptions(_answers: Answers, ctx: FlowContext): ChoiceOption[] {
  const kecamatan = homeDesa(ctx).split('.').slice(0, 3).join('.')
  return (ctx.snapshot.desaByKecamatan[kecamatan] ?? []).map((d) => ({
    id: d.code,
    label: { key: 'common:raw', params: { value: d.name } },
  }))
}

/** The visit's KB part for the register (a PUS family with a KB status). */
function kbRecorded(a: Answers, ctx: FlowContext): KbRecorded {
  const service = typeof a.kbService === 'string' ? kbServiceOf(a.kbService) : keptService(a, ctx)
  return {
    type: 'kb_recorded',
    visitDate: String(a.visitDate),
    status: a.kbStatus as KbStatus,
    method: a.kbStatus === 'ber_kb' ? String(a.kbMethod) : null,
    newAcceptor: a.kbStatus === 'ber_kb' && a.kbNew === true,
    servicePlace: a.kbStatus === 'ber_kb' ? service.servicePlace : null,
    jkn: a.kbStatus === 'ber_kb' ? service.jkn : null,
    intent: a.kbStatus === 'tidak_kb' && typeof a.kbIntent === 'string' ? a.kbIntent : null,
  }
}

export const visitReport = defineFlow({
  id: 'visit-report',
  version: 2,
  commands: ['lapor'],
  allowed: isReporter,
  data: (answers, ctx): DataNeed[] => [
    // The cadre's recent families: offered first, and the picked one stays among the options.
    ...(answers.familyQuery === undefined || pickedRecent(answers)
      ? [{ kind: 'recent_families' as const, key: RECENT }]
      : []),
    // While the name is known the search is loaded, so the chosen family stays among the options.
    ...(typedName(answers) && typeof answers.familyQuery === 'string'
      ? [
          {
            kind: 'family_search' as const,
            key: searchKey(answers, ctx),
            desaCode: homeDesa(ctx),
            query: answers.familyQuery,
          },
        ]
      : []),
    ...(isExistingFamily(answers) && typeof answers.visitDate === 'string'
      ? [
          {
            kind: 'same_day_visit' as const,
            key: sameDayKey(answers),
            familyId: Number(answers.family),
            visitDate: answers.visitDate,
          },
        ]
      : []),
    ...(isExistingFamily(answers)
      ? [
          {
            kind: 'last_visit' as const,
            key: String(answers.family),
            familyId: Number(answers.family),
          },
        ]
      : []),
  ],
  steps: [
    askPickOrText('familyQuery', {
      schema: z.string().min(2).max(80),
      hidden: true,
      options: recentOptions,
      promptParams: (_answers, ctx) => ({
        recent: recentFamilies(ctx).length > 0 ? { key: 'visit-report:orRecent' } : NOTHING,
      }),
    }),
    askChoice('family', {
      when: (a) => typeof a.familyQuery === 'string',
      dependsOn: ['familyQuery'],
      options: familyOptions,
      defaultValue: knownFamily,
    }),
    askText('dusunRwRt', {
      when: newFamily,
      schema: z.string().min(2).max(80),
      // The family question was not asked when the name found nobody: say it is a new family.
      promptParams: (answers, ctx) => ({
        notFound: ctx.snapshot.lookups.familySearch?.results.length
          ? NOTHING
          : { key: 'visit-report:notFound', params: { name: String(answers.familyQuery ?? '') } },
      }),
    }),
    askChoice('desa', {
      when: newFamily,
      options: desaOptions,
      defaultValue: (_answers, ctx) => homeDesa(ctx),
    }),
    askYesNo('familyConsent', {
      when: newFamily,
      hidden: true,
      validate: (agreed) => (agreed ? undefined : { key: 'visit-report:retry.noConsent' }),
    }),
    askDate('visitDate', {
      prefer: 'past',
      defaultValue: (_answers, ctx) => today(ctx),
      validate: (value, { ctx }) => {
        if (value > today(ctx)) return { key: 'visit-report:retry.futureDate' }
        if (value < addDays(today(ctx), -MAX_VISIT_AGE_DAYS)) {
          return { key: 'visit-report:retry.oldDate', params: { days: MAX_VISIT_AGE_DAYS } }
        }
        return undefined
      },
    }),
    // docs/domain.md, decision 11: likely duplicates (same cadre, family and day) are confirmed.
    askYesNo('duplicateOk', {
      when: (answers, ctx) => sameDayReference(answers, ctx) !== null,
      hidden: true,
      promptParams: (answers, ctx) => ({ reference: sameDayReference(answers, ctx) ?? '' }),
      validate: (again) => (again ? undefined : { key: 'visit-report:retry.duplicate' }),
    }),
    // A family visited before: "Ya" keeps its sasaran, KB and risks; "Tidak" asks them again.
    askYesNo('sameAsLast', {
      when: (answers, ctx) => lastVisitOf(answers, ctx) !== null,
      dependsOn: ['family'],
      hidden: true,
      promptParams: lastVisitSummary,
    }),
    askMultiChoice('sasaran', { options: SASARAN, ...keptFromLast('sasaran') }),
    // Something changed since the last visit: "Masih pakai suntik 3 bulan?" keeps the method.
    askYesNo('kbStill', {
      when: (a, ctx) => forPus(a) && a.sameAsLast === false && lastMethod(a, ctx) !== null,
      dependsOn: ['sameAsLast'],
      hidden: true,
      promptParams: (a, ctx) => ({
        method: { key: `visit-report:kbMethod.${lastMethod(a, ctx) ?? 'tradisional'}` },
      }),
    }),
    askChoice('kbStatus', {
      when: forPus,
      options: KB_STATUSES,
      ...keptOrStill('kbStatus'),
      // Contradictions are asked once, not refused: the cadre may know better
      // (docs/domain.md#the-home-visit).
      doubt: (status, { answers }) =>
        status === 'hamil' && !pregnant(answers)
          ? { key: 'visit-report:askKbStatus_doubt' }
          : undefined,
    }),
    askChoice('kbMethod', {
      when: (a) => forPus(a) && a.kbStatus === 'ber_kb',
      options: KB_METHODS,
      ...keptOrStill('kbMethod'),
      doubt: (method, { answers }) =>
        pregnant(answers)
          ? {
              key: 'visit-report:askKbMethod_doubt',
              params: { method: { key: `visit-report:kbMethod.${method}` } },
            }
          : undefined,
    }),
    // Asked only for a method new to the register: Peserta KB Baru, and where it was served.
    askYesNo('kbNew', {
      when: newMethod,
      dependsOn: ['kbMethod'],
      promptParams: (a) => ({ method: { key: `visit-report:kbMethod.${String(a.kbMethod)}` } }),
    }),
    askChoice('kbService', { when: newMethod, dependsOn: ['kbMethod'], options: KB_SERVICES }),
    askChoice('kbIntent', {
      when: (a) => forPus(a) && a.kbStatus === 'tidak_kb',
      options: KB_INTENTS,
      ...keptFromLast('kbIntent'),
    }),
    // The 4 Terlalu and the house's risks in one question (docs/domain.md#the-home-visit).
    askMultiChoice('risks', {
      options: (answers) =>
        riskOptions(answers).map((value) => ({
          id: value,
          label: { key: `visit-report:risks.${value}` },
        })),
      validate: noneAlone,
      ...keptFromLast('risks'),
    }),
    askNumber('lila', {
      when: forNutrition,
      optional: true,
      schema: z.number().min(LILA_CM.range.min).max(LILA_CM.range.max),
      plausible: LILA_CM.plausible,
    }),
    askNumber('hb', {
      when: forNutrition,
      optional: true,
      schema: z.number().min(HB_G_DL.range.min).max(HB_G_DL.range.max),
      plausible: HB_G_DL.plausible,
    }),
    askMultiChoice('actions', { options: ACTIONS }),
    askChoice('referralTarget', { when: referred, options: REFERRAL_TARGETS }),
    askChoice('referralReason', { when: referred, options: REFERRAL_REASONS }),
    askDate('followUpDate', {
      when: referred,
      prefer: 'future',
      defaultValue: (_answers, ctx) => addDays(today(ctx), FOLLOW_UP_DAYS),
      validate: (value, { ctx }) =>
        value <= today(ctx) ? { key: 'visit-report:retry.pastFollowUp' } : undefined,
    }),
    // Evidence is not asked: sent at the summary, or added there with "Ubah" (docs/domain.md,
    // decision 11).
    askPhoto('photo', { optional: true, defaultValue: () => null }),
    askLocation('location', { optional: true, defaultValue: () => null }),
    askText('note', { optional: true, schema: z.string().max(300), defaultValue: () => null }),
  ],
  complete: (a, ctx): Completion<VisitReported | KbRecorded> => ({
    effects: [
      {
        type: 'visit_reported',
        family:
          a.family === NEW_FAMILY
            ? {
                kind: 'new',
                headName: a.familyQuery,
                dusunRwRt: a.dusunRwRt ?? null,
                desaCode: a.desa ?? homeDesa(ctx),
              }
            : { kind: 'existing', id: Number(a.family) },
        visitDate: a.visitDate,
        confirmedDuplicate: a.duplicateOk === true,
        sasaran: a.sasaran,
        kbStatus: a.kbStatus ?? null,
        kbMethod: a.kbMethod ?? null,
        kbIntent: a.kbIntent ?? null,
        risk4t: a.risks.filter((r) => RISK_OPTIONS_4T.includes(r)),
        envRisks: a.risks.filter((r) => RISK_OPTIONS_ENV.includes(r)),
        lila: a.lila ?? null,
        hb: a.hb ?? null,
        actions: a.actions,
        referral:
          a.referralTarget && a.referralReason && a.followUpDate
            ? { target: a.referralTarget, reason: a.referralReason, followUpDate: a.followUpDate }
            : null,
        photoRef: a.photo ?? null,
        location: a.location ?? null,
        note: a.note ?? null,
      },
      ...(forPus(a) && a.kbStatus ? [kbRecorded(a, ctx)] : []),
    ],
    // The reference number and the month's count are the applier's outcome: it allocates them.
    reply: {
      texts: [
        {
          key: 'visit-report:saved',
          params: {
            reference: { outcome: 'reference' },
            count: { outcome: 'visitCountThisMonth' },
            month: a.visitDate,
          },
        },
      ],
    },
  }),
})
