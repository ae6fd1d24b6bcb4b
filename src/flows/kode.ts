/**
 * "Kode": a mentor sees today's check-in codes of her cohorts at any time, one line per session
 * not yet over, to announce in class (the morning reminder brings them too, but a session added
 * later in the day has none). Seeing a code in the session's window records the mentor's presence
 * for the attendance sheet.
 * @module
 */
import { defineFlow } from '../engine/index.js'
import type { FlowContext, Text } from '../engine/index.js'

const today = (ctx: FlowContext) => ctx.snapshot.lookups.mentorCodes?.sessions ?? []

/** Active mentors. */
export const isMentor = (ctx: FlowContext) =>
  ctx.snapshot.person?.status === 'active' && ctx.snapshot.person.roles.includes('mentor')

export const kode = defineFlow({
  id: 'kode',
  version: 1,
  commands: ['kode'],
  confirm: false,
  allowed: isMentor,
  data: () => [{ kind: 'mentor_codes', key: 'today' }],
  unavailable: (ctx) =>
    ctx.snapshot.lookups.mentorCodes && today(ctx).length === 0 ? { key: 'kode:none' } : undefined,
  steps: [],
  complete: (_answers, ctx) => {
    const sessions = today(ctx)
    const lines: Text[] = sessions.map((s) => ({
      key: 'kode:line',
      params: { cohort: s.cohortCode, start: s.startsAt, venue: s.venue, code: s.code },
    }))
    return {
      effects:
        sessions.length === 0
          ? []
          : [
              {
                type: 'checkin_codes_shown',
                sessionIds: sessions.map((s) => s.id),
                at: ctx.now.toISOString(),
              },
            ],
      reply: { texts: [{ key: 'kode:heading' }, ...lines, { key: 'kode:howTo' }] },
    }
  },
})
