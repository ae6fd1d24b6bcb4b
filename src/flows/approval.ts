/**
 * "Persetujuan": a supervisor (or admin) decides on self-registered cadres in their scope. The
 * request arrives unprompted with a "Tinjau" button that opens this flow on that request. A
 * rejection needs a reason, picked or typed in a few words, which the applicant is told.
 * @module
 */
import { z } from 'zod'
import { askChoice, askText, defineFlow } from '../engine/index.js'
import type { FlowContext } from '../engine/index.js'
import { REJECTION_REASONS } from '../domain/people.js'

const rejecting = (answers: { decision?: unknown }) => answers.decision === 'reject'

/** The registrations waiting in the supervisor's scope, loaded for this flow. */
const pending = (ctx: FlowContext) => ctx.snapshot.lookups.pendingRegistrations?.registrations ?? []

const mayApprove = (ctx: FlowContext) =>
  ctx.snapshot.person?.status === 'active' &&
  ctx.snapshot.person.roles.some((role) => role === 'supervisor' || role === 'admin')

export const approval = defineFlow({
  id: 'approval',
  version: 1,
  commands: ['persetujuan'],
  confirm: false,
  allowed: mayApprove,
  data: () => [{ kind: 'pending_registrations', key: 'scope' }],
  unavailable: (ctx) => (pending(ctx).length === 0 ? { key: 'approval:none' } : undefined),
  menuNotice: (ctx) => {
    const count = pending(ctx).length
    return count > 0 ? { key: 'approval:waiting', params: { count } } : undefined
  },
  prefill: (arg) => ({ registration: arg }),
  steps: [
    askChoice('registration', {
      options: (_answers, ctx) =>
        pending(ctx).map((r) => ({
          id: String(r.personId),
          label: {
            key: 'approval:request',
            params: {
              name: r.name,
              desa: r.desaName,
              kecamatan: r.kecamatanName,
              tier: { key: `registration:tier.${r.cadreTier ?? 'ppkbd'}` },
            },
          },
        })),
    }),
    askChoice('decision', {
      options: ['approve', 'reject'],
      promptParams: (answers, ctx) => ({
        name: pending(ctx).find((r) => String(r.personId) === answers.registration)?.name ?? '',
      }),
    }),
    askChoice('reason', { when: rejecting, options: REJECTION_REASONS }),
    askText('reasonText', {
      when: (answers) => rejecting(answers) && answers.reason === 'lainnya',
      schema: z.string().min(3).max(160),
    }),
  ],
  complete: (answers) => {
    const approved = answers.decision === 'approve'
    const reason = approved
      ? null
      : { code: answers.reason ?? 'lainnya', text: answers.reasonText ?? null }
    return {
      effects: [
        {
          type: 'registration_decided',
          personId: Number(answers.registration),
          approved,
          reason,
        },
      ],
      // The applier says whether the applicant has the answer now or once using the bot.
      reply: { texts: [] },
    }
  },
})
