/**
 * "Absen": a mentor records attendance for participants of their cohort: one
 * without a phone, one whose code would not work. Today's session (picked for them when there is
 * only one), the participants from the cohort's list, then hadir, terlambat or izin (with a
 * reason); a summary to check before it is saved. Saved records are audit-logged; a participant's
 * own check-in is never overwritten.
 * @module
 */
import { askChoice, askMultiChoice, defineFlow } from '../engine/index.js'
import type { Answers, FlowContext, Text } from '../engine/index.js'
import { IZIN_REASONS } from '../domain/training.js'

const MARKS = ['present', 'late', 'izin'] as const
type Mark = (typeof MARKS)[number]

const today = (ctx: FlowContext) => ctx.snapshot.lookups.mentorSessions?.sessions ?? []
const roster = (answers: Answers, ctx: FlowContext) =>
  today(ctx).find((s) => String(s.id) === answers.session)?.participants ?? []

export const mentorAttendance = defineFlow({
  id: 'mentor-attendance',
  version: 1,
  commands: ['absen'],
  allowed: (ctx) =>
    ctx.snapshot.person?.status === 'active' && ctx.snapshot.person.roles.includes('mentor'),
  data: () => [{ kind: 'mentor_sessions_today', key: 'today' }],
  unavailable: (ctx) =>
    ctx.snapshot.lookups.mentorSessions && today(ctx).length === 0
      ? { key: 'mentor-attendance:none' }
      : undefined,
  steps: [
    askChoice('session', {
      options: (_answers, ctx) =>
        today(ctx).map((s) => ({
          id: String(s.id),
          label: {
            key: 'mentor-attendance:sessionOption',
            params: { cohort: s.cohortCode, start: s.startsAt, topic: s.topic },
          },
        })),
      defaultValue: (_answers, ctx) => {
        const sessions = today(ctx)
        return sessions.length === 1 ? String(sessions[0]!.id) : undefined
      },
    }),
    askMultiChoice('participants', {
      dependsOn: ['session'],
      options: (answers, ctx) =>
        roster(answers, ctx).map((p) => ({
          id: String(p.personId),
          label: (p.status
            ? {
                key: 'mentor-attendance:participantWithStatus',
                params: { name: p.name, status: { key: `mentor-attendance:recorded.${p.status}` } },
              }
            : { key: 'mentor-attendance:participant', params: { name: p.name } }) as Text,
        })),
    }),
    askChoice('mark', { options: MARKS }),
    askChoice('reason', {
      options: IZIN_REASONS,
      when: (answers) => answers.mark === 'izin',
    }),
  ],
  complete: (answers, ctx) => ({
    effects: [
      {
        type: 'attendance_recorded',
        sessionId: Number(answers.session),
        personIds: answers.participants.map(Number),
        status: answers.mark as Mark,
        reason: answers.reason ?? null,
        at: ctx.now.toISOString(),
      },
    ],
    reply: { texts: [] },
  }),
})
