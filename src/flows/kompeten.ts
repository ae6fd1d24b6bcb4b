/**
 * "Kompeten": after a cohort's last session, its mentor marks each participant kompeten or belum
 * kompeten (docs/domain.md, decision 18) from one numbered list: all kompeten with one answer,
 * or the numbers of those belum kompeten. The programme's completion rule may wait for the mark.
 * @module
 */
import { askChoice, askMultiChoice, askYesNo, defineFlow } from '../engine/index.js'
import type { Answers, FlowContext, Text } from '../engine/index.js'
import { isMentor } from './kode.js'

const finished = (ctx: FlowContext) => ctx.snapshot.lookups.kompetenRoster?.cohorts ?? []
const cohortOf = (answers: Answers, ctx: FlowContext) =>
  finished(ctx).find((c) => String(c.cohortId) === answers.cohort)

export const kompeten = defineFlow({
  id: 'kompeten',
  version: 1,
  commands: ['kompeten'],
  allowed: isMentor,
  data: () => [{ kind: 'kompeten_roster', key: 'finished' }],
  unavailable: (ctx) =>
    ctx.snapshot.lookups.kompetenRoster && finished(ctx).length === 0
      ? { key: 'kompeten:none' }
      : undefined,
  steps: [
    askChoice('cohort', {
      options: (_answers, ctx) =>
        finished(ctx).map((c) => ({
          id: String(c.cohortId),
          label: {
            key: 'kompeten:cohortOption',
            params: { cohort: c.cohortCode, count: c.participants.length },
          },
        })),
      defaultValue: (_answers, ctx) => {
        const cohorts = finished(ctx)
        return cohorts.length === 1 ? String(cohorts[0]!.cohortId) : undefined
      },
    }),
    askYesNo('all', {
      dependsOn: ['cohort'],
      // The list, numbered as in the next question, with the marks given so far.
      promptParams: (answers, ctx) => ({
        cohort: cohortOf(answers, ctx)?.cohortCode ?? '',
        list: {
          key: 'kompeten:list',
          params: {
            lines: (cohortOf(answers, ctx)?.participants ?? [])
              .map((p, i) => `${i + 1}. ${ctx.label(markedName(p))}`)
              .join('\n'),
          },
        },
      }),
    }),
    askMultiChoice('belum', {
      dependsOn: ['cohort'],
      when: (answers) => answers.all === false,
      options: (answers, ctx) =>
        (cohortOf(answers, ctx)?.participants ?? []).map((p) => ({
          id: String(p.enrollmentId),
          label: markedName(p),
        })),
    }),
  ],
  complete: (answers, ctx) => {
    const cohort = cohortOf(answers, ctx)
    if (!cohort) return { effects: [], reply: { texts: [{ key: 'kompeten:none' }] } }
    const ids = cohort.participants.map((p) => p.enrollmentId)
    const belum = new Set((answers.belum ?? []).map(Number))
    return {
      effects: [
        {
          type: 'kompeten_marked',
          cohortId: cohort.cohortId,
          enrollmentIds: ids,
          kompeten: ids.filter((id) => !belum.has(id)),
          at: ctx.now.toISOString(),
        },
      ],
      reply: { texts: [] },
    }
  },
})

/** A participant's name with the mark given so far, if any. */
function markedName(p: { name: string; kompeten: boolean | null }): Text {
  return p.kompeten === null
    ? { key: 'kompeten:participant', params: { name: p.name } }
    : {
        key: 'kompeten:participantMarked',
        params: { name: p.name, mark: { key: `kompeten:mark.${p.kompeten ? 'yes' : 'no'}` } },
      }
}
