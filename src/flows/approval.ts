/**
 * "Persetujuan": a supervisor (or admin) decides on self-registered cadres in their scope. The
 * request arrives unprompted with a "Tinjau" button that opens this flow on that request.
 * @module
 */
import { askChoice, defineFlow } from '../engine/index.js'
import type { FlowContext } from '../engine/index.js'

const mayApprove = (ctx: FlowContext) =>
  ctx.snapshot.person?.status === 'active' &&
  ctx.snapshot.person.roles.some((role) => role === 'supervisor' || role === 'admin')

export const approval = defineFlow({
  id: 'approval',
  version: 1,
  commands: ['persetujuan'],
  confirm: false,
  allowed: mayApprove,
  unavailable: (ctx) =>
    ctx.snapshot.pendingRegistrations.length === 0 ? { key: 'approval:none' } : undefined,
  prefill: (arg) => ({ registration: arg }),
  steps: [
    askChoice('registration', {
      options: (_answers, ctx) =>
        ctx.snapshot.pendingRegistrations.map((r) => ({
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
        name:
          ctx.snapshot.pendingRegistrations.find((r) => String(r.personId) === answers.registration)
            ?.name ?? '',
      }),
    }),
  ],
  complete: (answers) => {
    const approved = answers.decision === 'approve'
    return {
      effects: [{ type: 'registration_decided', personId: Number(answers.registration), approved }],
      reply: { texts: [{ key: approved ? 'approval:approved' : 'approval:rejected' }] },
    }
  },
})
