/**
 * "Hadir": a participant checks in to today's session (issue 8 §4), inside the window around its
 * start, with the short code the mentor announces in class or, for a session checked by location,
 * a shared location within the venue's radius. A second check-in changes nothing.
 * @module
 */
import { askLocation, askText, defineFlow } from '../engine/index.js'
import type { FlowContext } from '../engine/index.js'
import { distanceMeters } from '../domain/geo.js'
import { inTraining } from './schedule.js'

const open = (ctx: FlowContext) => ctx.snapshot.lookups.checkinSession?.session ?? null
const byLocation = (ctx: FlowContext) => open(ctx)?.mode === 'lokasi'

export const checkin = defineFlow({
  id: 'checkin',
  version: 1,
  commands: ['hadir'],
  confirm: false,
  allowed: (ctx) => inTraining(ctx) && !!ctx.snapshot.person?.roles.includes('peserta'),
  data: () => [{ kind: 'checkin_session', key: 'now' }],
  unavailable: (ctx) => {
    if (!ctx.snapshot.lookups.checkinSession) return undefined
    const session = open(ctx)
    if (!session) return { key: 'checkin:noSession' }
    return session.recorded ? { key: 'checkin:already' } : undefined
  },
  steps: [
    askText('code', {
      when: (_answers, ctx) => !byLocation(ctx),
      validate: (value, { ctx }) =>
        value.replace(/\s+/g, '') === open(ctx)?.code ? undefined : { key: 'checkin:wrongCode' },
    }),
    askLocation('place', {
      when: (_answers, ctx) => byLocation(ctx),
      validate: (value, { ctx }) => {
        const session = open(ctx)
        if (!session || session.lat === null || session.lng === null) return undefined
        const metres = distanceMeters(value, { lat: session.lat, lng: session.lng })
        return metres <= session.radiusMeters
          ? undefined
          : { key: 'checkin:tooFar', params: { metres: Math.round(metres) } }
      },
    }),
  ],
  complete: (answers, ctx) => ({
    effects: [
      {
        type: 'attendance_checked_in',
        sessionId: open(ctx)!.id,
        method: answers.place ? 'lokasi' : 'kode',
        at: ctx.now.toISOString(),
      },
    ],
    reply: { texts: [] },
  }),
})
