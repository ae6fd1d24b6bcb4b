/**
 * "Kegiatan": a cadre reports a Poktan activity (docs/domain.md, "Monthly recap"): the kind (BKB,
 * BKR, BKL, UPPKA, PIK-R, a KIE session, a desa coordination meeting), the date, how many came,
 * how many of them are PUS and how many of those use KB, an optional photo and note. The report
 * waits for the supervisor's validation and feeds parts II-IV of the monthly recap.
 * @module
 */
import { z } from 'zod'
import {
  addDays,
  askChoice,
  askDate,
  askNumber,
  askPhoto,
  askText,
  type Completion,
  defineFlow,
  today,
} from '../engine/index.js'
import {
  ACTIVITY_KINDS,
  type ActivityKind,
  type ActivityReport,
  MAX_ACTIVITY_AGE_DAYS,
  MAX_ATTENDEES,
} from '../domain/poktan.js'
import { isReporter } from './reporters.js'

/**
 * A cadre reported a Poktan activity by chat; the applier stores it in the cadre's desa, waiting
 * for validation. With `correctsId`, it replaces a report the supervisor sent back (kept, marked
 * corrected).
 * @example { "type": "activity_reported", "kind": "bkb", "activityDate": "2026-11-20", "attendees": 25,
 *   "pus": 18, "kbUsers": 12, "photoRef": null, "note": null }
 */
export type ActivityReported = { type: 'activity_reported' } & ActivityReport

const count = z.number().int().min(0).max(MAX_ATTENDEES)

export const poktanActivity = defineFlow({
  id: 'poktan-activity',
  version: 1,
  commands: ['kegiatan'],
  allowed: isReporter,
  // "Perbaiki" under a report the supervisor sent back starts the flow with that report's id: the
  // new report replaces it (the applier checks it is hers and was sent back).
  prefill: (arg) => (/^[0-9]+$/.test(arg) ? { corrects: arg } : {}),
  steps: [
    askText('corrects', { optional: true, hidden: true, defaultValue: () => null }),
    askChoice('kind', { options: ACTIVITY_KINDS }),
    askDate('activityDate', {
      prefer: 'past',
      validate: (value, { ctx }) => {
        if (value > today(ctx)) return { key: 'poktan-activity:retry.futureDate' }
        if (value < addDays(today(ctx), -MAX_ACTIVITY_AGE_DAYS)) {
          return { key: 'poktan-activity:retry.oldDate', params: { days: MAX_ACTIVITY_AGE_DAYS } }
        }
        return undefined
      },
    }),
    askNumber('attendees', { schema: count.min(1) }),
    askNumber('pus', {
      schema: count,
      validate: (value, { answers }) =>
        value > Number(answers.attendees)
          ? {
              key: 'poktan-activity:retry.moreThanAttendees',
              params: { max: Number(answers.attendees) },
            }
          : undefined,
    }),
    askNumber('kbUsers', {
      schema: count,
      validate: (value, { answers }) =>
        value > Number(answers.pus)
          ? { key: 'poktan-activity:retry.moreThanPus', params: { max: Number(answers.pus) } }
          : undefined,
    }),
    askPhoto('photo', { optional: true, defaultValue: () => null }),
    askText('note', { optional: true, schema: z.string().max(300), defaultValue: () => null }),
  ],
  complete: (a): Completion<ActivityReported> => ({
    effects: [
      {
        type: 'activity_reported',
        // The options are ACTIVITY_KINDS, so the answer is one of them.
        kind: a.kind as ActivityKind,
        activityDate: a.activityDate,
        attendees: a.attendees,
        pus: a.pus,
        kbUsers: a.kbUsers,
        photoRef: a.photo ?? null,
        note: a.note ?? null,
        ...(a.corrects ? { correctsId: Number(a.corrects) } : {}),
      },
    ],
    // A correction is answered by the applier, which knows whether the report could be replaced.
    reply: a.corrects
      ? { texts: [] }
      : {
          texts: [
            {
              key: 'poktan-activity:saved',
              params: { kind: { key: `poktan-activity:kind.${a.kind}` }, date: a.activityDate },
            },
          ],
        },
  }),
})
