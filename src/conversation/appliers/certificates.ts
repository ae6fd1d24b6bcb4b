/**
 * SERTIFIKAT: each of the graduate's certificates goes to the chat she asked in, as a PDF drawn
 * when it goes out (`certificates/delivery.ts`); the outcome tells the closing reply whether any
 * did (docs/domain.md, decision 18).
 * @module
 */
import { certificateMessage } from '../../certificates/delivery.js'
import { listCertificates } from '../../db/queries/training-certificates.js'
import type { CertificateRequested } from '../../domain/effects.js'
import { PRIORITY } from '../../domain/priorities.js'
import { sendToReachable } from '../../messaging/notify.js'
import { type Applier, forPerson } from './types.js'

export const certificateAppliers: { certificate_requested: Applier<CertificateRequested> } = {
  certificate_requested: forPerson(async (tx, _effect, scope, deps) => {
    const list = await listCertificates(tx, { personId: scope.personId })
    let sent = 0
    for (const { name, code } of list) {
      const message = certificateMessage(deps.i18n, { name, code, baseUrl: deps.adminBaseUrl })
      sent += await sendToReachable(tx, scope.personId, message, PRIORITY.live, {
        channel: scope.channel,
        externalId: scope.senderId,
      })
    }
    return { sent: sent > 0 ? 'some' : 'none' }
  }),
}
