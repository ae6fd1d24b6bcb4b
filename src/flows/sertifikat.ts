/**
 * "Sertifikat": a graduate asks for her certificate again (docs/domain.md, decision 18). The
 * applier queues each of her certificates' PDF to this chat, drawn when it goes out; the reply
 * says whether there was one to send.
 * @module
 */
import { defineFlow } from '../engine/index.js'

export const sertifikat = defineFlow({
  id: 'sertifikat',
  version: 1,
  commands: ['sertifikat'],
  confirm: false,
  allowed: (ctx) => !!ctx.snapshot.person?.roles.includes('peserta'),
  steps: [],
  complete: () => ({
    effects: [{ type: 'certificate_requested' }],
    // How many certificates went is the applier's outcome: none, or one or more.
    reply: { texts: [{ key: 'sertifikat:result', params: { context: { outcome: 'sent' } } }] },
  }),
})
