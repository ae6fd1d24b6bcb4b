/**
 * "Izin": a participant excuses an absence from today's or a coming session with a reason; the
 * mentor is told, and no reminder goes to them for that session (issue 8 §5).
 * @module
 */
import { askChoice, defineFlow, today } from '../engine/index.js'
import type { FlowContext } from '../engine/index.js'
import { IZIN_REASONS } from '../domain/training.js'
import { inTraining } from './schedule.js'

const upcoming = (ctx: FlowContext) => ctx.snapshot.lookups.upcomingSessions?.sessions ?? []

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
    askChoice('reason', { options: IZIN_REASONS }),
  ],
  complete: (answers) => ({
    effects: [
      { type: 'absence_excused', sessionId: Number(answers.session), reason: answers.reason },
    ],
    reply: { texts: [] },
  }),
})
