/**
 * One applier per effect type: the only place effects become rows. Runs inside the transaction
 * of the turn that produced them, so a failure leaves neither the rows nor the new state.
 * @module
 */
import { eq } from 'drizzle-orm'
import type { ChannelName } from '../channels/types.js'
import type { DbOrTx } from '../db/client.js'
import {
  createPendingCadre,
  linkIdentity,
  listSupervisorsCovering,
  recordConsent,
  reopenRegistration,
  setOptedOut,
  setPersonStatus,
} from '../db/queries/people.js'
import {
  countCadreVisitsInPeriod,
  createFamily,
  createReferral,
  createVisit,
  findFamily,
  findReferral,
  findSameDayVisit,
  setFamilyKrs,
  setReferralStatus,
  withdrawVisit,
} from '../db/queries/visits.js'
import { LOGIN_LINK_MINUTES, createLoginToken } from '../db/queries/admin.js'
import { findRecentLoginLinks } from '../db/queries/login-limits.js'
import {
  LOGIN_WINDOW_MS,
  MAX_LOGIN_LINKS_PER_PERSON,
  minutesUntil,
} from '../domain/login-limits.js'
import { findSessionForReminder } from '../db/queries/reminders.js'
import { recordAttendance } from '../db/queries/training.js'
import { auditLog, demoSubmissions, people } from '../db/schema/index.js'
import type { Effect, RejectionReason } from '../domain/effects.js'
import { PRIORITY } from '../domain/priorities.js'
import { type RegionDirectory, regionName } from '../domain/regions.js'
import { type Reply, addDays, startButtonId, today } from '../engine/index.js'
import { FOLLOW_UP_DAYS, type FollowUpStatus } from '../domain/visits.js'
import { BroadcastForbiddenError, cancelBroadcast, createBroadcast } from '../broadcasts/service.js'
import { type NoticeDelivery, releaseNotices, sendNotice } from './notify.js'
import { trainingAppliers } from './training-effects.js'
import { trainingOutcomeAppliers } from './appliers/training-outcomes.js'
import { poktanAppliers } from './appliers/poktan.js'
import { planReferralFollowUp } from './referral-follow-up.js'
import { type TextRenderer, addressedTo } from './render.js'

/** Who and when: the turn that produced the effects. */
export type EffectScope = {
  conversationId: number
  channel: ChannelName
  senderId: string
  phone?: string
  personId?: number
  now: Date
}

export type ApplyDeps = {
  i18n: TextRenderer
  directory: RegionDirectory
  timeZone: string
  /** The dashboard's base URL for login links; absent: no links can be made. */
  adminBaseUrl?: string
}

type Appliers = {
  [T in Effect['type']]: (
    tx: DbOrTx,
    effect: Extract<Effect, { type: T }>,
    scope: EffectScope,
    deps: ApplyDeps
  ) => Promise<Reply[] | void>
}

const appliers: Appliers = {
  ...trainingAppliers,
  ...trainingOutcomeAppliers,
  ...poktanAppliers,
  async broadcast_requested(tx, effect, scope, deps) {
    // The flow is only open to active admins and supervisors; the service checks the scope again.
    if (scope.personId === undefined) throw new Error('broadcast_requested without a person')
    const at = effect.at === null ? undefined : new Date(effect.at)
    try {
      const created = await createBroadcast(tx, {
        author: { personId: scope.personId },
        segment: effect.segment,
        text: effect.text,
        photoRef: effect.photoRef ?? undefined,
        at,
        now: scope.now,
        // For now: queued in this turn (the runtime wakes the sender after commit).
        fanOut: { i18n: deps.i18n },
      })
      const later = at !== undefined && at > scope.now
      return [
        {
          texts: [
            {
              key: later ? 'broadcast:scheduled' : 'broadcast:queued',
              params: { count: created.recipients, at: effect.at ?? '' },
            },
          ],
        },
      ]
    } catch (error) {
      if (error instanceof BroadcastForbiddenError) {
        return [{ texts: [{ key: 'broadcast:forbidden' }] }]
      }
      throw error
    }
  },

  async broadcast_cancelled(tx, effect, scope) {
    if (scope.personId === undefined) throw new Error('broadcast_cancelled without a person')
    const result = await cancelBroadcast(
      tx,
      effect.broadcastId,
      { personId: scope.personId },
      scope.now
    )
    return [{ texts: [{ key: `broadcast:cancel.${result}` }] }]
  },

  async absence_excused(tx, effect, scope, deps) {
    if (scope.personId === undefined) throw new Error('absence_excused without a person')
    const session = await findSessionForReminder(tx, effect.sessionId)
    if (!session) throw new Error(`izin for unknown session ${effect.sessionId}`)
    const result = await recordAttendance(tx, {
      sessionId: effect.sessionId,
      personId: scope.personId,
      status: 'izin',
      method: 'izin',
      reason: effect.reason,
      reasonNote: effect.note ?? null,
      at: scope.now,
    })
    if (result === 'already') return [{ texts: [{ key: 'excuse:already' }] }]
    const [participant] = await tx
      .select({ name: people.name })
      .from(people)
      .where(eq(people.id, scope.personId))
    if (session.mentorId === null) return [{ texts: [{ key: 'excuse:savedNoMentor' }] }]
    // The participant is told whether the mentor has it now or gets it once she uses the bot.
    const delivery = await sendNotice(
      tx,
      deps,
      session.mentorId,
      {
        texts: [
          {
            key: 'excuse:toMentor',
            params: {
              name: participant?.name ?? '',
              start: session.startsAt.toISOString(),
              topic: session.topic,
              // Her own words when she typed them, else the option's label.
              reason: effect.note ?? { key: `excuse:reason.${effect.reason}` },
            },
          },
        ],
      },
      PRIORITY.reminder
    )
    const key = delivery === 'queued' ? 'excuse:saved' : 'excuse:savedMentorLater'
    return [{ texts: [{ key }] }]
  },

  async attendance_checked_in(tx, effect, scope) {
    if (scope.personId === undefined) throw new Error('attendance_checked_in without a person')
    const session = await findSessionForReminder(tx, effect.sessionId)
    if (!session) throw new Error(`attendance for unknown session ${effect.sessionId}`)
    const at = new Date(effect.at)
    const late = at.getTime() > session.startsAt.getTime()
    const result = await recordAttendance(tx, {
      sessionId: effect.sessionId,
      personId: scope.personId,
      status: late ? 'late' : 'present',
      method: effect.method,
      at,
    })
    const key = result === 'already' ? 'checkin:already' : late ? 'checkin:late' : 'checkin:onTime'
    return [{ texts: [{ key }] }]
  },

  async visit_withdrawn(tx, effect, scope) {
    if (scope.personId === undefined) throw new Error('visit_withdrawn without a person')
    const result = await withdrawVisit(tx, {
      visitId: effect.visitId,
      cadreId: scope.personId,
      now: scope.now,
    })
    if (result === 'withdrawn') {
      await tx.insert(auditLog).values({
        actor: `person:${scope.personId}`,
        action: 'visit_withdrawn',
        subject: `visit:${effect.visitId}`,
        at: scope.now,
      })
    }
    const key = result === 'withdrawn' ? 'history:withdrawn' : 'history:tooLate'
    return [{ texts: [{ key }] }]
  },

  async referral_followed_up(tx, effect, scope, deps) {
    const referral = await findReferral(tx, effect.referralId)
    if (!referral || referral.cadreId !== scope.personId) return
    await setReferralStatus(tx, {
      referralId: effect.referralId,
      status: effect.status as FollowUpStatus,
      now: scope.now,
    })
    // Not served yet: ask again in a week.
    if (effect.status === 'belum') {
      const next = addDays(today({ now: scope.now, timeZone: deps.timeZone }), FOLLOW_UP_DAYS)
      await planReferralFollowUp(tx, {
        referralId: referral.id,
        date: next,
        timeZone: deps.timeZone,
      })
    }
  },

  async visit_reported(tx, effect, scope, deps) {
    const cadreId = scope.personId
    // The flow is only open to a recognised cadre; anything else is a bug, not bad input.
    if (cadreId === undefined) throw new Error('visit_reported without a person')
    const familyId =
      effect.family.kind === 'existing'
        ? effect.family.id
        : (
            await createFamily(tx, {
              headName: effect.family.headName,
              desaCode: effect.family.desaCode,
              dusunRwRt: effect.family.dusunRwRt,
              createdBy: cadreId,
              consentedAt: scope.now,
            })
          ).id
    const family = await findFamily(tx, familyId)
    if (!family) throw new Error(`visit_reported for unknown family ${familyId}`)
    if (effect.sasaran.includes('krs') !== family.krs) {
      await setFamilyKrs(tx, { familyId, krs: effect.sasaran.includes('krs') })
    }
    const earlier = effect.confirmedDuplicate
      ? await findSameDayVisit(tx, { cadreId, familyId, visitDate: effect.visitDate })
      : undefined
    const visit = await createVisit(tx, {
      cadreId,
      familyId,
      desaCode: family.desaCode,
      visitDate: effect.visitDate,
      sasaran: effect.sasaran,
      kbStatus: effect.kbStatus,
      kbMethod: effect.kbMethod,
      kbIntent: effect.kbIntent,
      risk4t: effect.risk4t,
      envRisks: effect.envRisks,
      lila: effect.lila,
      hb: effect.hb,
      actions: effect.actions,
      note: effect.note,
      photoRef: effect.photoRef,
      lat: effect.location?.lat ?? null,
      lng: effect.location?.lng ?? null,
      duplicateOf: earlier?.id ?? null,
      createdAt: scope.now,
    })
    if (effect.referral) {
      const referral = await createReferral(tx, {
        visitId: visit.id,
        familyId,
        cadreId,
        desaCode: family.desaCode,
        target: effect.referral.target,
        reason: effect.referral.reason,
        followUpDate: effect.referral.followUpDate,
        createdAt: scope.now,
      })
      await planReferralFollowUp(tx, {
        referralId: referral.id,
        date: effect.referral.followUpDate,
        timeZone: deps.timeZone,
      })
    }
    const count = await countCadreVisitsInPeriod(tx, {
      cadreId,
      period: effect.visitDate.slice(0, 7),
    })
    return [
      {
        // The count is of the visit's own month, named (a November visit reported in December).
        texts: [
          {
            key: 'visit-report:saved',
            params: { reference: visit.reference, count, month: effect.visitDate },
          },
        ],
      },
    ]
  },

  async demo_completed(tx, effect, scope) {
    await tx.insert(demoSubmissions).values({
      conversationId: scope.conversationId,
      flowVersion: effect.flowVersion,
      answers: effect.answers,
      submittedAt: scope.now,
    })
  },

  async consent_answered(tx, effect, scope) {
    await recordConsent(tx, {
      channel: scope.channel,
      senderId: scope.senderId,
      personId: scope.personId,
      noticeVersion: effect.noticeVersion,
      given: effect.given,
      at: new Date(effect.at),
    })
    // Notices that waited for this person go out right after the consent's own answer.
    if (effect.given && scope.personId !== undefined) {
      await releaseNotices(tx, { ...scope, personId: scope.personId })
    }
  },

  async opted_out(tx, effect, scope) {
    if (scope.personId) await setOptedOut(tx, { personId: scope.personId, at: new Date(effect.at) })
  },

  async opted_in(tx, _effect, scope) {
    if (!scope.personId) return
    await setOptedOut(tx, { personId: scope.personId, at: null })
    await releaseNotices(tx, { ...scope, personId: scope.personId })
  },

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
                kecamatan:
                  regionName(deps.directory, effect.desaCode.split('.').slice(0, 3).join('.')) ??
                  '',
              },
            },
          },
        },
      ],
      choices: [
        { id: startButtonId('approval', String(personId)), label: { key: 'registration:review' } },
      ],
    }
    // The request goes to everyone whose scope covers the desa (DOMAIN decision 4), unprompted;
    // it waits for those who do not use the bot yet, and the applicant is told which happened.
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

  async registration_decided(tx, effect, scope, deps) {
    // The supervisor is told whether the applicant has the answer now or once using the bot.
    const delivery = await decideRegistration(tx, deps, {
      personId: effect.personId,
      approved: effect.approved,
      reason: effect.reason ?? null,
      actor: `person:${scope.personId ?? 'unknown'}`,
      now: scope.now,
    })
    const told =
      delivery === undefined
        ? 'approval:decided.already'
        : `approval:decided.${effect.approved ? 'approved' : 'rejected'}.${delivery}`
    return [{ texts: [{ key: told }] }]
  },

  async login_link_requested(tx, _effect, scope, deps) {
    // The flow is only open to active admins and supervisors; anything else is a bug.
    if (scope.personId === undefined) throw new Error('login_link_requested without a person')
    if (deps.adminBaseUrl === undefined) return [{ texts: [{ key: 'login:unavailable' }] }]
    // A few links per window: MASUK cannot be used to flood the chat or the links table.
    const recent = await findRecentLoginLinks(tx, {
      personId: scope.personId,
      since: new Date(scope.now.getTime() - LOGIN_WINDOW_MS),
    })
    if (recent.links >= MAX_LOGIN_LINKS_PER_PERSON && recent.oldest) {
      const opens = new Date(recent.oldest.getTime() + LOGIN_WINDOW_MS)
      return [
        { texts: [{ key: 'login:tooMany', params: { minutes: minutesUntil(opens, scope.now) } }] },
      ]
    }
    const { token } = await createLoginToken(tx, { personId: scope.personId, now: scope.now })
    return [
      {
        texts: [
          {
            key: 'login:link',
            params: {
              url: `${deps.adminBaseUrl}/admin/login/${token}`,
              minutes: LOGIN_LINK_MINUTES,
            },
          },
        ],
      },
    ]
  },
}

export type DecideRegistrationParams = {
  personId: number
  approved: boolean
  /** Why it was rejected, told to the applicant and kept on the person until they register again. */
  reason?: RejectionReason | null
  /** Who decided, for the audit log: `person:12`, or `admin_token` from the dashboard. */
  actor: string
  now: Date
}

/**
 * Approves or rejects a pending self-registration: sets the status, writes the audit row and
 * tells the applicant, at once or once they can be reached (DOMAIN decision 20). Shared by the
 * chat approval flow and the dashboard. Resolves to what became of the applicant's notice, or
 * `undefined` when the person is not pending (already decided), changing nothing.
 */
export async function decideRegistration(
  tx: DbOrTx,
  deps: Pick<ApplyDeps, 'i18n'>,
  params: DecideRegistrationParams
): Promise<NoticeDelivery | undefined> {
  const [applicant] = await tx
    .select({ name: people.name, status: people.status, salutation: people.salutation })
    .from(people)
    .where(eq(people.id, params.personId))
  if (!applicant || applicant.status !== 'pending') return undefined
  const reason =
    params.approved || !params.reason
      ? null
      : (params.reason.text ?? deps.i18n.render({ key: `approval:reason.${params.reason.code}` }))
  await setPersonStatus(tx, {
    id: params.personId,
    status: params.approved ? 'active' : 'rejected',
    rejectionReason: reason,
  })
  await tx.insert(auditLog).values({
    actor: params.actor,
    action: params.approved ? 'registration_approved' : 'registration_rejected',
    subject: `person:${params.personId}`,
    at: params.now,
  })
  const key = params.approved
    ? 'registration:approved'
    : reason
      ? 'registration:rejectedWithReason'
      : 'registration:rejected'
  const delivery = await sendNotice(
    tx,
    { i18n: addressedTo(deps.i18n, applicant) },
    params.personId,
    { texts: [{ key, params: { name: applicant.name, reason: reason ?? '' } }] },
    PRIORITY.reminder
  )
  return delivery
}

/**
 * Writes every effect of a turn, in order; returns what the appliers have to say to the sender
 * (a reference number they allocated), to follow the turn's own replies.
 */
export async function applyEffects(
  tx: DbOrTx,
  effects: Effect[],
  scope: EffectScope,
  deps: ApplyDeps
): Promise<Reply[]> {
  const replies: Reply[] = []
  for (const effect of effects) {
    const apply = appliers[effect.type] as (
      tx: DbOrTx,
      e: Effect,
      s: EffectScope,
      d: ApplyDeps
    ) => Promise<Reply[] | void>
    replies.push(...((await apply(tx, effect, scope, deps)) ?? []))
  }
  return replies
}
