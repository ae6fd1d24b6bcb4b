/**
 * "Siaran": an admin (everywhere) or a supervisor (their own region only,
 * docs/domain.md, decision 4) announces something to a segment: roles → kecamatan/desa → a condition → text
 * (`{nama}` becomes each recipient's name) and an optional photo → now or at a time ("besok
 * 07.00") → a preview exactly as recipients will read it, with how many they are → send. With
 * broadcasts waiting for their time or being sent, /siaran first offers to cancel one of them
 * (a broadcast being sent stops: what is still queued is dropped).
 * @module
 */
import { z } from 'zod'
import {
  askChoice,
  askDateTime,
  askMultiChoice,
  askPhoto,
  askText,
  askYesNo,
  defineFlow,
} from '../engine/index.js'
import type { Answers, ChoiceOption, FlowContext, Text } from '../engine/index.js'
import {
  BROADCAST_MESSAGE_KEY,
  MAX_BROADCAST_TEXT,
  SEGMENT_CONDITIONS,
  type Segment,
  personalize,
} from '../domain/broadcasts.js'
import { KABUPATEN_CODE, type Role } from '../domain/people.js'
import type { RegionEntry } from '../domain/snapshot.js'

/** Roles a broadcast may address from chat. */
const AUDIENCE_ROLES = ['kader', 'peserta', 'mentor', 'supervisor'] as const satisfies Role[]
const ALL = 'all'

const mayBroadcast = (ctx: FlowContext) =>
  ctx.snapshot.person?.status === 'active' &&
  ctx.snapshot.person.roles.some((role) => role === 'supervisor' || role === 'admin')

/** The region the author may reach: admins the kabupaten, supervisors their own code. */
function scopeOf(ctx: FlowContext): string {
  const person = ctx.snapshot.person
  if (!person || person.roles.includes('admin')) return KABUPATEN_CODE
  return person.regionCode
}

/** 2: kabupaten, 3: kecamatan, 4: desa. */
const levelOf = (code: string) => code.split('.').length

const creating = (answers: Answers) => answers.action !== 'cancel'

const cohortsOf = (ctx: FlowContext) => ctx.snapshot.lookups.broadcastCohorts?.cohorts ?? []

/** The cohort picked for participants, if one was. */
const cohortOf = (answers: Answers) =>
  typeof answers.cohort === 'string' && answers.cohort !== ALL ? answers.cohort : undefined

/** The kecamatan the broadcast is limited to, chosen or given by the scope. */
function kecamatanOf(answers: Answers, ctx: FlowContext): string | undefined {
  const scope = scopeOf(ctx)
  if (levelOf(scope) >= 3) return scope.split('.').slice(0, 3).join('.')
  return typeof answers.kecamatan === 'string' && answers.kecamatan !== ALL
    ? answers.kecamatan
    : undefined
}

/** The segment's region: a chosen desa, else the kecamatan, else the scope (none for 35.07). */
function regionOf(answers: Answers, ctx: FlowContext): string | undefined {
  if (typeof answers.desa === 'string' && answers.desa !== ALL) return answers.desa
  const scope = scopeOf(ctx)
  if (levelOf(scope) === 4) return scope
  return kecamatanOf(answers, ctx)
}

function segmentOf(answers: Answers, ctx: FlowContext): Segment {
  const roles = (answers.roles as Role[] | undefined) ?? []
  const cohort = cohortOf(answers)
  // A cohort is its own place: the scope still limits it when it is sent.
  const region = cohort ? undefined : regionOf(answers, ctx)
  const condition = SEGMENT_CONDITIONS.find((c) => c === answers.condition)
  return {
    ...(roles.length > 0 ? { roles } : {}),
    ...(region ? { region } : {}),
    ...(cohort ? { cohort } : {}),
    ...(condition ? { condition } : {}),
  }
}

const asOptions = (entries: RegionEntry[] | undefined): ChoiceOption[] =>
  (entries ?? []).map((r) => ({
    id: r.code,
    label: { key: 'common:raw', params: { value: r.name } },
  }))

function regionName(code: string, ctx: FlowContext): string {
  const kecamatan = ctx.snapshot.kecamatan.find((k) => k.code === code)
  if (kecamatan) return kecamatan.name
  const parent = code.split('.').slice(0, 3).join('.')
  return ctx.snapshot.desaByKecamatan[parent]?.find((d) => d.code === code)?.name ?? code
}

/** "Kader, Peserta pelatihan di Kecamatan Dau (Semua)", read from the answers. */
function audienceText(answers: Answers, ctx: FlowContext): Text {
  const segment = segmentOf(answers, ctx)
  const roles = (segment.roles ?? [])
    .map((role) => ctx.label({ key: `broadcast:roles.${role}` }))
    .join(', ')
  const region = segment.region
  return {
    key: 'broadcast:audience',
    params: {
      roles,
      region: segment.cohort
        ? { key: 'broadcast:inCohort', params: { code: segment.cohort } }
        : region
          ? {
              key: levelOf(region) === 3 ? 'broadcast:inKecamatan' : 'broadcast:inDesa',
              params: { name: regionName(region, ctx) },
            }
          : { key: 'broadcast:everywhere' },
      condition: { key: `broadcast:condition.${segment.condition ?? ALL}` },
    },
  }
}

const cancellable = (ctx: FlowContext) =>
  ctx.snapshot.lookups.cancellableBroadcasts?.broadcasts ?? []
const PREVIEW_CHARS = 40

export const broadcast = defineFlow({
  id: 'broadcast',
  version: 1,
  commands: ['siaran'],
  confirm: false,
  allowed: mayBroadcast,
  data: (answers, ctx) => [
    { kind: 'cancellable_broadcasts', key: 'mine' },
    { kind: 'broadcast_cohorts', key: 'scope' },
    ...(creating(answers) && answers.condition !== undefined
      ? [
          {
            kind: 'broadcast_audience' as const,
            key: JSON.stringify(segmentOf(answers, ctx)),
            segment: segmentOf(answers, ctx),
          },
        ]
      : []),
  ],
  steps: [
    askChoice('action', {
      options: ['new', 'cancel'],
      when: (_answers, ctx) => cancellable(ctx).length > 0,
    }),
    askChoice('cancelWhich', {
      when: (answers) => !creating(answers),
      options: (_answers, ctx) =>
        cancellable(ctx).map((b) => ({
          id: String(b.id),
          label: {
            key: b.sending ? 'broadcast:sendingItem' : 'broadcast:scheduledItem',
            params: {
              at: { key: 'common:value.dateTime', params: { value: b.at } },
              text: b.text.length > PREVIEW_CHARS ? `${b.text.slice(0, PREVIEW_CHARS)}…` : b.text,
            },
          },
        })),
    }),
    askYesNo('cancelSure', { when: (answers) => !creating(answers) }),
    askMultiChoice('roles', { when: creating, options: AUDIENCE_ROLES }),
    askChoice('cohort', {
      dependsOn: ['roles'],
      when: (answers, ctx) =>
        creating(answers) &&
        (answers.roles as string[] | undefined)?.includes('peserta') === true &&
        cohortsOf(ctx).length > 0,
      options: (_answers, ctx) => [
        { id: ALL, label: { key: 'broadcast:cohort.all' } },
        ...cohortsOf(ctx).map((c) => ({
          id: c.code,
          label: {
            key: 'broadcast:cohortItem',
            params: {
              code: c.code,
              kecamatan: regionName(c.kecamatanCode, ctx),
              track: { key: `schedule:track.${c.track}` },
            },
          },
        })),
      ],
    }),
    askChoice('kecamatan', {
      dependsOn: ['cohort'],
      when: (answers, ctx) =>
        creating(answers) && !cohortOf(answers) && levelOf(scopeOf(ctx)) === 2,
      options: (_answers, ctx) => [
        { id: ALL, label: { key: 'broadcast:kecamatan.all' } },
        ...asOptions(ctx.snapshot.kecamatan),
      ],
    }),
    askChoice('desa', {
      dependsOn: ['kecamatan'],
      when: (answers, ctx) =>
        creating(answers) &&
        !cohortOf(answers) &&
        levelOf(scopeOf(ctx)) <= 3 &&
        kecamatanOf(answers, ctx) !== undefined,
      options: (answers, ctx) => [
        { id: ALL, label: { key: 'broadcast:desa.all' } },
        ...asOptions(ctx.snapshot.desaByKecamatan[kecamatanOf(answers, ctx) ?? '']),
      ],
    }),
    askChoice('condition', { when: creating, options: [ALL, ...SEGMENT_CONDITIONS] }),
    askText('text', {
      when: creating,
      schema: z.string().trim().min(1).max(MAX_BROADCAST_TEXT),
    }),
    askPhoto('photo', { when: creating, optional: true }),
    askChoice('timing', { when: creating, options: ['now', 'later'] }),
    askDateTime('at', {
      when: (answers) => creating(answers) && answers.timing === 'later',
      validate: (value, { ctx }) =>
        new Date(value) > ctx.now ? undefined : { key: 'broadcast:atPast' },
    }),
    askChoice('send', {
      when: creating,
      options: ['send', 'cancel'],
      promptParams: (answers, ctx) => ({
        message: {
          key: BROADCAST_MESSAGE_KEY,
          params: { text: personalize(String(answers.text), ctx.snapshot.person?.name ?? '') },
        },
        photo: { key: answers.photo ? 'broadcast:photo.yes' : 'broadcast:photo.no' },
        count: ctx.snapshot.lookups.broadcastAudience?.count ?? 0,
        audience: audienceText(answers, ctx),
        when:
          answers.timing === 'later' && typeof answers.at === 'string'
            ? { key: 'common:value.dateTime', params: { value: answers.at } }
            : { key: 'broadcast:whenNow' },
      }),
    }),
  ],
  complete: (answers, ctx) => {
    if (answers.action === 'cancel') {
      return answers.cancelSure
        ? {
            effects: [{ type: 'broadcast_cancelled', broadcastId: Number(answers.cancelWhich) }],
            reply: { texts: [] },
          }
        : { effects: [], reply: { texts: [{ key: 'broadcast:cancelKept' }] } }
    }
    if (answers.send !== 'send') {
      return { effects: [], reply: { texts: [{ key: 'broadcast:notSent' }] } }
    }
    return {
      effects: [
        {
          type: 'broadcast_requested',
          segment: segmentOf(answers, ctx),
          text: String(answers.text),
          photoRef: answers.photo ?? null,
          at: answers.timing === 'later' && answers.at ? answers.at : null,
        },
      ],
      reply: { texts: [] },
    }
  },
})
