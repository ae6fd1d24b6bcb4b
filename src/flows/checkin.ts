/**
 * "Hadir": a participant checks in to today's session, inside the window around its
 * start (the programme's settings), with the short code the mentor announces in class or, for a
 * session checked by location, a shared location within the venue's radius; a session checked
 * `keduanya` takes either, as the participant picks. A code is tried at most three times: then the
 * mentor is told (once) and the participant is kindly sent to the mentor, told whether the mentor
 * has the notice yet. A second check-in changes nothing. Mentors record attendance for
 * participants with ABSEN (`mentor-attendance`).
 * @module
 */
import { askChoice, askLocation, askText, defineFlow } from '../engine/index.js'
import type { Answers, Completion, FlowContext } from '../engine/index.js'
import type { AttendanceCheckedIn, CheckinCodeFailed } from '../domain/effects.js'
import { distanceMeters } from '../domain/geo.js'
import { DEFAULT_PROGRAMME_SETTINGS } from '../domain/training.js'
import { inTraining } from './schedule.js'

const open = (ctx: FlowContext) => ctx.snapshot.lookups.checkinSession?.session ?? null
const mode = (ctx: FlowContext) => open(ctx)?.mode
const isParticipant = (ctx: FlowContext) => !!ctx.snapshot.person?.roles.includes('peserta')
/** By code, also while the session is not loaded yet (the runtime loads it and runs again). */
const byCode = (answers: Answers, ctx: FlowContext) =>
  mode(ctx) === undefined ||
  mode(ctx) === 'kode' ||
  (mode(ctx) === 'keduanya' && answers.how === 'kode')
const byLocation = (answers: Answers, ctx: FlowContext) =>
  mode(ctx) === 'lokasi' || (mode(ctx) === 'keduanya' && answers.how === 'lokasi')
/** Whether a typed code is the session's ("48 21" counts as "4821"). */
const codeFits = (value: unknown, ctx: FlowContext) =>
  typeof value === 'string' && value.replace(/\s+/g, '') === open(ctx)?.code
/** The wrong tries so far, in order; the next try is asked only after a wrong one. */
const CODE_TRIES = ['code', 'code2', 'code3'] as const
const wrongSoFar = (answers: Answers, ctx: FlowContext, tries: number) =>
  byCode(answers, ctx) &&
  CODE_TRIES.slice(0, tries).every(
    // Without the session loaded nothing is decided: the flow stays open, the runtime loads it.
    (id) => answers[id] != null && (open(ctx) === null || !codeFits(answers[id], ctx))
  )

export const checkin = defineFlow({
  id: 'checkin',
  version: 2,
  commands: ['hadir'],
  confirm: false,
  // A mentor who types HADIR is told it is not hers and sees her menu, with ABSEN in it.
  allowed: (ctx) => inTraining(ctx) && isParticipant(ctx),
  data: () => [{ kind: 'checkin_session', key: 'now' }],
  unavailable: (ctx) => {
    if (!ctx.snapshot.lookups.checkinSession) return undefined
    const session = open(ctx)
    if (!session) {
      const window = ctx.snapshot.lookups.checkinSession.window
      return {
        key: 'checkin:noSession',
        params: {
          opens: window?.opensMinutes ?? DEFAULT_PROGRAMME_SETTINGS.checkinOpensMinutes,
          closes: window?.closesMinutes ?? DEFAULT_PROGRAMME_SETTINGS.checkinClosesMinutes,
        },
      }
    }
    return session.recorded ? { key: 'checkin:already' } : undefined
  },
  steps: [
    askChoice('how', {
      options: ['kode', 'lokasi'],
      when: (_answers, ctx) => mode(ctx) === 'keduanya',
    }),
    askText('code', { when: byCode }),
    askText('code2', { when: (answers, ctx) => wrongSoFar(answers, ctx, 1) }),
    askText('code3', { when: (answers, ctx) => wrongSoFar(answers, ctx, 2) }),
    askLocation('place', {
      when: byLocation,
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
  complete: (answers, ctx): Completion<AttendanceCheckedIn | CheckinCodeFailed> => {
    const session = open(ctx)
    if (!session) return { effects: [], reply: { texts: [{ key: 'checkin:noSession' }] } }
    const at = ctx.now.toISOString()
    if (answers.place) {
      return {
        effects: [{ type: 'attendance_checked_in', sessionId: session.id, method: 'lokasi', at }],
        reply: { texts: [] },
      }
    }
    if (CODE_TRIES.some((id) => codeFits(answers[id], ctx))) {
      return {
        effects: [{ type: 'attendance_checked_in', sessionId: session.id, method: 'kode', at }],
        reply: { texts: [] },
      }
    }
    // Three wrong codes: the mentor hears of it, the participant is not left stuck. The applier
    // says whether the mentor has it now or once she uses the bot (docs/domain.md, decision 20).
    return {
      effects: [{ type: 'checkin_code_failed', sessionId: session.id, at }],
      reply: { texts: [] },
    }
  },
})
