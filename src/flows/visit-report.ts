/**
 * "Lapor": a cadre reports a home visit (DOMAIN §3.4, issue 7). Which family (a typo-tolerant
 * search in the cadre's desa, or a new family with its consent), the date (today unless said
 * otherwise), the sasaran and only the questions they call for, risks, actions, a referral when
 * "rujukan" was chosen, optional evidence and note, then the summary.
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
  askText,
  askYesNo,
  defineFlow,
  today,
} from '../engine/index.js'
import type { Answers, ChoiceOption, FlowContext } from '../engine/index.js'
import type { DataNeed } from '../domain/snapshot.js'
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
  const search = ctx.snapshot.lookups.familySearch
  const results = search?.key === searchKey(answers, ctx) ? search.results : []
  return [
    ...results.map((f) => ({
      id: String(f.id),
      label: {
        key: f.dusunRwRt ? 'visit-report:familyWithPlace' : 'visit-report:familyName',
        params: { name: f.headName, place: f.dusunRwRt ?? '' },
      },
    })),
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

export const visitReport = defineFlow({
  id: 'visit-report',
  version: 1,
  commands: ['lapor'],
  allowed: isReporter,
  data: (answers, ctx): DataNeed[] => [
    // While the name is known the search is loaded, so the chosen family stays among the options.
    ...(typeof answers.familyQuery === 'string'
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
  ],
  steps: [
    askText('familyQuery', { schema: z.string().min(2).max(80), hidden: true }),
    askChoice('family', { dependsOn: ['familyQuery'], options: familyOptions }),
    askText('dusunRwRt', { when: newFamily, schema: z.string().min(2).max(80) }),
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
    // DOMAIN decision 11: likely duplicates (same cadre, family and day) are confirmed.
    askYesNo('duplicateOk', {
      when: (answers, ctx) => sameDayReference(answers, ctx) !== null,
      hidden: true,
      promptParams: (answers, ctx) => ({ reference: sameDayReference(answers, ctx) ?? '' }),
      validate: (again) => (again ? undefined : { key: 'visit-report:retry.duplicate' }),
    }),
    askMultiChoice('sasaran', { options: SASARAN }),
    askChoice('kbStatus', {
      when: forPus,
      options: KB_STATUSES,
      // Contradictions are asked once, not refused: the cadre may know better (DOMAIN §3.2).
      doubt: (status, { answers }) =>
        status === 'hamil' && !pregnant(answers)
          ? { key: 'visit-report:askKbStatus_doubt' }
          : undefined,
    }),
    askChoice('kbMethod', {
      when: (a) => forPus(a) && a.kbStatus === 'ber_kb',
      options: KB_METHODS,
      doubt: (method, { answers }) =>
        pregnant(answers)
          ? {
              key: 'visit-report:askKbMethod_doubt',
              params: { method: { key: `visit-report:kbMethod.${method}` } },
            }
          : undefined,
    }),
    askChoice('kbIntent', {
      when: (a) => forPus(a) && a.kbStatus === 'tidak_kb',
      options: KB_INTENTS,
    }),
    askMultiChoice('risk4t', {
      when: forPregnancy,
      options: RISK_4T,
      validate: noneAlone,
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
    askMultiChoice('envRisks', { options: ENV_RISKS, validate: noneAlone }),
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
    askPhoto('photo', { optional: true }),
    askLocation('location', { optional: true }),
    askText('note', { optional: true, schema: z.string().max(300) }),
  ],
  complete: (a, ctx) => ({
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
        risk4t: (a.risk4t ?? []).filter((r) => r !== 'tidak_ada'),
        envRisks: a.envRisks.filter((r) => r !== 'tidak_ada'),
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
    ],
    // The reference number and this month's count come from the applier, which allocates them.
    reply: { texts: [] },
  }),
})
