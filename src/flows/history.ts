/**
 * "Riwayat": a cadre's last five reports. Opening one shows what was recorded; a report sent
 * less than 24 hours ago and not withdrawn can be withdrawn (to correct it, withdraw and report
 * again), and only then is that offered. The withdrawn report is kept, marked, and audited.
 * @module
 */
import { askChoice, defineFlow } from '../engine/index.js'
import type { Answers, Completion, FlowContext, Text } from '../engine/index.js'
import type { VisitWithdrawn } from '../domain/effects.js'
import type { RecentActivity } from '../domain/poktan.js'
import type { RecentVisitSummary } from '../domain/snapshot.js'
import { isReporter } from './reporters.js'

const RECENT = { kind: 'recent_visits', key: 'recent' } as const
/** How long after sending a report may be withdrawn (as `withdrawVisit` checks again). */
const WITHDRAW_HOURS = 24

const recent = (ctx: FlowContext) => ctx.snapshot.lookups.recentVisits?.visits ?? []
const activities = (ctx: FlowContext) => ctx.snapshot.lookups.recentVisits?.activities ?? []
/** How a Poktan activity is answered in the list (`kegiatan:<id>`), apart from visits. */
const ACTIVITY = 'kegiatan:'
const chosenActivity = (answers: Answers, ctx: FlowContext) =>
  activities(ctx).find((a) => `${ACTIVITY}${a.id}` === answers.visit)

/** A Poktan activity as recorded, with where it stands with the supervisor. */
function activityContent(activity: RecentActivity, ctx: FlowContext): string {
  const kind = { key: `poktan-activity:kind.${activity.kind}` }
  const lines: Text[] = [
    { key: 'history:activity.head', params: { kind, date: activity.activityDate } },
    {
      key: 'history:activity.counts',
      params: { attendees: activity.attendees, pus: activity.pus, kb: activity.kbUsers },
    },
    { key: 'history:line.sentAt', params: { value: activity.createdAt } },
    ...(activity.note ? [{ key: 'history:line.note', params: { value: activity.note } }] : []),
    {
      key: 'history:activity.stateLine',
      params: { state: { key: `history:activity.state.${activity.state}` } },
    },
  ]
  return lines.map((text) => ctx.label(text)).join('\n')
}
const chosen = (answers: Answers, ctx: FlowContext) =>
  recent(ctx).find((v) => String(v.id) === answers.visit)

/** Only a report still counted and sent within the last day can be withdrawn. */
const withdrawable = (visit: RecentVisitSummary | undefined, ctx: FlowContext) =>
  visit?.status === 'submitted' &&
  ctx.now.getTime() - Date.parse(visit.createdAt) <= WITHDRAW_HOURS * 3_600_000

/** What the report recorded, one line a field, in the visit report's own words. */
function content(visit: RecentVisitSummary, ctx: FlowContext): string {
  const options = (step: string, ids: readonly string[]) =>
    ids.map((id) => ctx.label({ key: `visit-report:${step}.${id}` })).join(', ')
  const line = (field: string, value: string | number | Text | null) =>
    value === null || value === '' ? [] : [{ key: `history:line.${field}`, params: { value } }]
  const risks = [options('risk4t', visit.risk4t), options('envRisks', visit.envRisks)]
  const lines: Text[] = [
    { key: 'history:line.head', params: { reference: visit.reference, name: visit.headName } },
    ...line('visitDate', visit.visitDate),
    ...line('sentAt', visit.createdAt),
    ...line('sasaran', options('sasaran', visit.sasaran)),
    ...line('kbStatus', visit.kbStatus && options('kbStatus', [visit.kbStatus])),
    ...line('kbMethod', visit.kbMethod && options('kbMethod', [visit.kbMethod])),
    ...line('kbIntent', visit.kbIntent && options('kbIntent', [visit.kbIntent])),
    ...line('risks', risks.filter((r) => r !== '').join(', ')),
    ...line('lila', visit.lila),
    ...line('hb', visit.hb),
    ...line('actions', options('actions', visit.actions)),
    ...line('note', visit.note),
  ]
  if (visit.status === 'withdrawn') lines.push({ key: 'history:line.withdrawn' })
  return lines.map((text) => ctx.label(text)).join('\n')
}

export const history = defineFlow({
  id: 'history',
  version: 1,
  commands: ['riwayat'],
  confirm: false,
  allowed: isReporter,
  data: () => [RECENT],
  unavailable: (ctx) =>
    ctx.snapshot.lookups.recentVisits && recent(ctx).length === 0 && activities(ctx).length === 0
      ? { key: 'history:none' }
      : undefined,
  steps: [
    askChoice('visit', {
      options: (_answers, ctx) => [
        ...recent(ctx).map((v) => ({
          id: String(v.id),
          label: {
            key: v.status === 'withdrawn' ? 'history:itemWithdrawn' : 'history:item',
            params: { reference: v.reference, date: v.visitDate, name: v.headName },
          },
        })),
        ...activities(ctx).map((a) => ({
          id: `${ACTIVITY}${a.id}`,
          label: {
            key: 'history:itemActivity',
            params: {
              date: a.activityDate,
              kind: { key: `poktan-activity:kind.${a.kind}` },
              state: { key: `history:activity.state.${a.state}` },
            },
          },
        })),
      ],
    }),
    askChoice('action', {
      when: (answers, ctx) => withdrawable(chosen(answers, ctx), ctx),
      options: ['withdraw', 'keep'],
      promptParams: (answers, ctx) => {
        const visit = chosen(answers, ctx)
        return { content: visit ? content(visit, ctx) : '' }
      },
    }),
  ],
  complete: (answers, ctx): Completion<VisitWithdrawn> => {
    if (answers.action === 'withdraw') {
      return {
        effects: [{ type: 'visit_withdrawn', visitId: Number(answers.visit) }],
        reply: { texts: [] },
      }
    }
    if (answers.action === 'keep')
      return { effects: [], reply: { texts: [{ key: 'history:kept' }] } }
    const activity = chosenActivity(answers, ctx)
    if (activity) {
      return {
        effects: [],
        reply: {
          texts: [{ key: 'common:raw', params: { value: activityContent(activity, ctx) } }],
        },
      }
    }
    // Nothing to offer: the report is shown, with why it cannot be withdrawn.
    const visit = chosen(answers, ctx)
    const why = visit?.status === 'withdrawn' ? 'history:alreadyWithdrawn' : 'history:pastWithdraw'
    return {
      effects: [],
      reply: {
        texts: [
          { key: 'common:raw', params: { value: visit ? content(visit, ctx) : '' } },
          { key: why, params: { hours: WITHDRAW_HOURS } },
        ],
      },
    }
  },
})
