/**
 * "Jadwal": a participant's next training sessions (a mentor's: their cohort's), in Indonesian
 * date style (docs/domain.md#chat-conventions), a mentor's sessions of today with their check-in
 * code. No questions: the answer is the list.
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
    // A mentor's session today shows its check-in code (as KODE does).
    const lines: Text[] = sessions.map((s) => ({
      key: s.code === undefined ? 'schedule:line' : 'schedule:lineWithCode',
      params: {
        start: s.startsAt,
        end: s.endsAt,
        venue: s.venue,
        topic: s.topic,
        code: s.code ?? '',
      },
    }))
    const shown = sessions.filter((s) => s.code !== undefined).map((s) => s.id)
    return {
      effects:
        shown.length === 0
          ? []
          : [{ type: 'checkin_codes_shown', sessionIds: shown, at: ctx.now.toISOString() }],
      reply: {
        texts:
          sessions.length === 0
            ? [{ key: 'schedule:none' }]
            : [{ key: 'schedule:heading' }, ...lines],
      },
    }
  },
})
