/**
 * "Jadwal": a participant's next training sessions (a mentor's: their cohort's), in Indonesian
 * date style (docs/domain.md#chat-conventions). No questions: the answer is the list.
 * @module
 */
import { defineFlow } from '../engine/index.js'
import type { FlowContext, Text } from '../engine/index.js'

/** Participants and mentors of the training. */
export const inTraining = (ctx: FlowContext) =>
  ctx.snapshot.person?.status === 'active' &&
  ctx.snapshot.person.roles.some((role) => role === 'peserta' || role === 'mentor')

export const schedule = defineFlow({
  id: 'schedule',
  version: 1,
  commands: ['jadwal'],
  confirm: false,
  allowed: inTraining,
  data: () => [{ kind: 'upcoming_sessions', key: 'upcoming' }],
  steps: [],
  complete: (_answers, ctx) => {
    const sessions = ctx.snapshot.lookups.upcomingSessions?.sessions ?? []
    const lines: Text[] = sessions.map((s) => ({
      key: 'schedule:line',
      params: { start: s.startsAt, end: s.endsAt, venue: s.venue, topic: s.topic },
    }))
    return {
      effects: [],
      reply: {
        texts:
          sessions.length === 0
            ? [{ key: 'schedule:none' }]
            : [{ key: 'schedule:heading' }, ...lines],
      },
    }
  },
})
