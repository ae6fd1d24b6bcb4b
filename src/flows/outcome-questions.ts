/**
 * The questions the baseline (AWAL) and the follow-up survey (SURVEI) share (docs/domain.md,
 * decision 18): working for pay, an own business and its kind, where it sells, and the monthly
 * income bracket. One definition, so both surveys ask the same words with the same codes and a
 * change from the baseline to a follow-up compares like with like. The codes are data
 * (src/domain/training.ts); the words live once in `locales/id/outcome-questions.json`, which
 * each survey's own prompts point to.
 * @module
 */
import { askChoice, askMultiChoice, askYesNo } from '../engine/index.js'
import type { Answers, ChoiceOption, FlowContext } from '../engine/index.js'
import { BUSINESS_KINDS, INCOME_BRACKETS, SALES_CHANNELS } from '../domain/training.js'

/** The locale namespace of the shared questions' words and option labels. */
export const OUTCOME_QUESTIONS_NS = 'outcome-questions'

/** The shared questions in the order both surveys ask them, with their answer codes. */
export const OUTCOME_QUESTIONS = {
  working: 'yes_no',
  business: 'yes_no',
  kind: BUSINESS_KINDS,
  channels: SALES_CHANNELS,
  income: INCOME_BRACKETS,
} as const

type Condition = (answers: Answers, ctx: FlowContext) => boolean

/** The options of a shared choice question, labelled from the shared namespace. */
const sharedOptions = (question: 'kind' | 'channels' | 'income') => (): ChoiceOption[] =>
  OUTCOME_QUESTIONS[question].map((value) => ({
    id: value,
    label: { key: `${OUTCOME_QUESTIONS_NS}:${question}.${value}` },
  }))

/**
 * The shared steps, asked when `agreed` holds (the survey's consent was given); the kind of
 * business and its sales channels only of someone with a business.
 */
export function outcomeSteps(agreed: Condition) {
  const hasBusiness: Condition = (answers, ctx) => agreed(answers, ctx) && answers.business === true
  return [
    askYesNo('working', { when: agreed }),
    askYesNo('business', { when: agreed }),
    askChoice('kind', { options: sharedOptions('kind'), when: hasBusiness }),
    askMultiChoice('channels', { options: sharedOptions('channels'), when: hasBusiness }),
    askChoice('income', { options: sharedOptions('income'), when: agreed }),
  ] as const
}

/** The shared answers as both surveys' effects and rows name them (`null`: not asked). */
export type OutcomeAnswers = {
  workingForPay: boolean | null
  businessStarted: boolean | null
  businessKind: string | null
  channels: string[] | null
  incomeBracket: string | null
}

/** Maps the shared steps' answers to the effect fields. */
export function outcomeAnswers(answers: {
  working?: boolean | null
  business?: boolean | null
  kind?: string | null
  channels?: string[] | null
  income?: string | null
}): OutcomeAnswers {
  return {
    workingForPay: answers.working ?? null,
    businessStarted: answers.business ?? null,
    businessKind: answers.kind ?? null,
    channels: answers.channels ?? null,
    incomeBracket: answers.income ?? null,
  }
}
