/**
 * "Izin": a participant excuses an absence from today's or a coming session with a reason; the
 * mentor is told, and no reminder goes to them for that session.
 * @module
 */
import { z } from 'zod'
import { askChoice, askPickOrText, defineFlow, today } from '../engine/index.js'
import type { FlowContext } from '../engine/index.js'
import { IZIN_REASONS } from '../domain/training.js'
import { inTraining } from './schedule.js'

const upcoming = (ctx: FlowContext) => ctx.snapshot.lookups.upcomingSessions?.sessions ?? []

/** The longest reason typed in the participant's own words (the re-ask says it). */
export const MAX_IZIN_NOTE = 100

const reasonOptions = IZIN_REASONS.map((id) => ({ id, label: { key: `excuse:reason.${id}` } }))
const isReason = (value: string): value is (typeof IZIN_REASONS)[number] =>
  (IZIN_REASONS as readonly string[]).includes(value)

export const excuse = defineFlow({
  id: 'excuse',
  version: 1,
  commands: ['izin'],
  confirm: false,
  allowed: (ctx) => inTraining(ctx) && !!ctx.snapshot.person?.roles.includes('peserta'),
  data: () => [{ kind: 'upcoming_sessions', key: 'upcoming' }],
  unavailable: (ctx) =>
    ctx.snapshot.lookups.upcomingSessions && upcoming(ctx).length === 0
      ? { key: 'excuse:none' }
      : undefined,
  steps: [
    askChoice('session', {
      options: (_answers, ctx) =>
        upcoming(ctx).map((s) => ({
          id: String(s.id),
          label: { key: 'excuse:session', params: { start: s.startsAt, topic: s.topic } },
          // "besok", "hari ini", "sesuk" pick the session on that day.
          day: today({ now: new Date(s.startsAt), timeZone: ctx.timeZone }),
        })),
    }),
    // An option, or the reason in her own words ("motor mogok"), kept as "lainnya" with the words.
    askPickOrText('reason', {
      options: () => reasonOptions,
      matchTyped: true,
      schema: z.string().max(MAX_IZIN_NOTE),
    }),
  ],
  complete: (answers) => ({
    effects: [
      {
        type: 'absence_excused',
        sessionId: Number(answers.session),
        ...(isReason(answers.reason)
          ? { reason: answers.reason }
          : { reason: 'lainnya', note: answers.reason }),
      },
    ],
    // Whether it was new and whether the mentor has been told is the applier's outcome.
    reply: { texts: [{ key: 'excuse:recorded', params: { context: { outcome: 'excused' } } }] },
  }),
})
