export { defineFlow, flowKeys, FlowDefinitionError } from './flow.js'
export type { AnswersOf, AnyStep, Answers, EffectOf, Flow, Step, StepKind } from './flow.js'
export { askText } from './steps/ask-text.js'
export { askPickOrText } from './steps/ask-pick-or-text.js'
export { askNumber } from './steps/ask-number.js'
export { askDate } from './steps/ask-date.js'
export { askDateTime } from './steps/ask-date-time.js'
export { askChoice, askMultiChoice } from './steps/ask-choice.js'
export { askYesNo } from './steps/ask-yes-no.js'
export { askLocation } from './steps/ask-location.js'
export { askPhoto } from './steps/ask-photo.js'
export { createFlowRegistry } from './registry.js'
export type { FlowGate, FlowRegistry } from './registry.js'
export { runTurnWithData, MAX_INPUT_CHARS, MAX_RETRIES_BEFORE_HELP, MENU_PAGE_SIZE } from './run.js'
export type { DataLoader, EngineEffect, Turn } from './run.js'
export { emptyChatState, parseChatState, chatStateSchema, InvalidChatStateError } from './state.js'
export type { FlowState, ChatState } from './state.js'
export type {
  ChoiceOption,
  Completion,
  EffectBase,
  FlowContext,
  Input,
  JsonValue,
  Outcome,
  OutcomeRef,
  Reply,
  Text,
  TextParam,
} from './types.js'
export { isOutcomeRef } from './types.js'
export { addDays, today } from './dates.js'
export { detectStartButton, isResumeCommand, startButtonId } from './commands.js'
export { mayPickOffered, pickOffered } from './offered.js'
export type { OfferedChoice } from './offered.js'
