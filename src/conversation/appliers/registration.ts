/**
 * The appliers of registration: a request (a pending cadre, linked to this chat, and a notice to
 * every supervisor whose scope covers the desa) and a supervisor's decision on one.
 * @module
 */
import { linkIdentity } from '../../db/queries/identities.js'
import {
  createPendingCadre,
  listSupervisorsCovering,
  reopenRegistration,
} from '../../db/queries/people.js'
import type { RegistrationDecided, RegistrationRequested } from '../../domain/effects.js'
import { PRIORITY } from '../../domain/priorities.js'
import { regionName } from '../../domain/regions.js'
import { type Reply, startButtonId } from '../../engine/index.js'
import { sendNotice } from '../../messaging/notify.js'
import { decideRegistration } from '../registrations.js'
import { type Applier, forPerson } from './types.js'

export const registrationAppliers: {
  registration_requested: Applier<RegistrationRequested>
  registration_decided: Applier<RegistrationDecided>
} = {
  async registration_requested(tx, effect, scope, deps) {
    const answers = {
      name: effect.name,
      salutation: effect.salutation,
      regionCode: effect.desaCode,
      cadreTier: effect.cadreTier,
    }
    // Someone rejected registers again as the same person, their chat already linked.
    const reopened =
      scope.personId === undefined
        ? undefined
        : await reopenRegistration(tx, { ...answers, personId: scope.personId })
    const { id: personId } =
      reopened ?? (await createPendingCadre(tx, { ...answers, phone: scope.phone }))
    await linkIdentity(tx, { personId, channel: scope.channel, externalId: scope.senderId })
    const kecamatanCode = effect.desaCode.split('.').slice(0, 3).join('.')
    const request: Reply = {
      texts: [
        {
          key: 'registration:notify',
          params: {
            request: {
              key: 'approval:request',
              params: {
                name: effect.name,
                tier: { key: `registration:tier.${effect.cadreTier}` },
                desa: regionName(deps.directory, effect.desaCode) ?? effect.desaCode,
                kecamatan: regionName(deps.directory, kecamatanCode) ?? '',
              },
            },
          },
        },
      ],
      choices: [
        { id: startButtonId('approval', String(personId)), label: { key: 'registration:review' } },
      ],
    }
    // The request goes to everyone whose scope covers the desa (docs/domain.md, decision 4),
    // unprompted; it waits for those who do not use the bot yet, and the applicant is told which.
    const deciders = await listSupervisorsCovering(tx, effect.desaCode)
    const deliveries = new Set<string>()
    for (const decider of deciders) {
      deliveries.add(await sendNotice(tx, deps, decider.id, request, PRIORITY.reminder))
    }
    const key = deliveries.has('queued')
      ? 'registration:sent'
      : deliveries.has('waiting')
        ? 'registration:sentLater'
        : 'registration:sentNoDecider'
    // The applicant has no person of the chat's yet: the salutation she just chose addresses her.
    const sapaan = { key: `common:address.${effect.salutation}` }
    return [{ texts: [{ key, params: { name: effect.name, sapaan } }] }]
  },

  registration_decided: forPerson(async (tx, effect, scope, deps) => {
    // The supervisor is told whether the applicant has the answer now or once using the bot.
    const delivery = await decideRegistration(tx, deps, {
      personId: effect.personId,
      approved: effect.approved,
      reason: effect.reason ?? null,
      actor: `person:${scope.personId}`,
      now: scope.now,
    })
    const told =
      delivery === undefined
        ? 'approval:decided.already'
        : `approval:decided.${effect.approved ? 'approved' : 'rejected'}.${delivery}`
    return [{ texts: [{ key: told }] }]
  }),
}
