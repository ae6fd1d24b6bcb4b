/**
 * The runner: one input in, the next state, the replies and the effects out. Pure and
 * synchronous (docs/design.md P2): the caller loads the session, passes the clock in `ctx.now`,
 * stores the result and delivers the replies. The engine owns the chat mechanics (global words,
 * re-asks, "ubah", drafts, timeouts); flows own their steps and effects.
 * @module
 */
import type { OptedIn, OptedOut } from '../domain/effects.js'
import {
  type DataNeed,
  type KeptLookups,
  type Snapshot,
  isLoaded,
  keepLookups,
  withKeptLookups,
} from '../domain/snapshot.js'
import { type Command, detectCommand, detectStartButton } from './commands.js'
import { type AnyStep, type Answers, type Flow, type StepEnv, flowKeys } from './flow.js'
import { candidatesOf, clockOf } from './options.js'
import { matchChoice, namesOption } from './parse/choice.js'
import { type SmallTalk, parseSmallTalk } from './parse/small-talk.js'
import { parseYesNo } from './parse/yes-no.js'
import type { FlowRegistry } from './registry.js'
import type { FlowState, InterruptTarget, ChatState } from './state.js'
import type { ChoiceOption, EffectBase, FlowContext, Input, Reply, Text } from './types.js'

/** The effects the engine produces itself, whatever the flows: BERHENTI and MULAI. */
export type EngineEffect = OptedOut | OptedIn

/**
 * One round of talk: the state to store, the messages to send, the rows to write (the effects of
 * the registry's flows, `E`, and the engine's own), and the flows the turn started.
 */
export type Turn<E extends EffectBase = EffectBase> = {
  session: ChatState
  replies: Reply[]
  effects: (E | EngineEffect)[]
  started: string[]
}

/** A flow of a registry whose flows produce the effects `E`. */
type AnyFlow<E extends EffectBase> = Flow<readonly AnyStep[], E>

/**
 * Loads data a flow declared (`Flow.data`) and returns the snapshot holding it: the runtime's
 * queries, or a test's answers.
 */
export type DataLoader = (needs: DataNeed[], snapshot: Snapshot) => Promise<Snapshot>

/**
 * The turn as a coroutine: it pauses with the data needs the next step reads that the snapshot
 * lacks, and resumes with the snapshot holding them, so one run of the engine finishes the turn
 * while the engine itself never does I/O.
 */
type Steps<T = void> = Generator<DataNeed[], T, Snapshot>

/** Longest message the engine reads; longer ones are answered kindly and not parsed. */
export const MAX_INPUT_CHARS = 4096
/** Wrong answers in a row after which the re-ask also offers BANTUAN and MENU. */
export const MAX_RETRIES_BEFORE_HELP = 3

const CONFIRM_OPTIONS: ChoiceOption[] = [
  { id: 'send', label: { key: 'common:confirm.send' } },
  { id: 'edit', label: { key: 'common:confirm.edit' } },
  { id: 'cancel', label: { key: 'common:confirm.cancel' } },
]
const INTERRUPT_OPTIONS: ChoiceOption[] = [
  { id: 'keep', label: { key: 'common:interrupt.keep' } },
  { id: 'discard', label: { key: 'common:interrupt.discard' } },
  { id: 'continue', label: { key: 'common:interrupt.continue' } },
]
const DRAFT_OPTIONS: ChoiceOption[] = [
  { id: 'continue', label: { key: 'common:draft.continue' } },
  { id: 'new', label: { key: 'common:draft.new' } },
]
const EDIT_BACK_OPTION: ChoiceOption = { id: '$summary', label: { key: 'common:edit.back' } }

/**
 * Processes one input for one conversation, loading the data its flows declare through `load`
 * as the turn reaches them: the one way the runtime and the tests run the engine. Never throws
 * on anything a person can send.
 */
export async function runTurnWithData<E extends EffectBase>(
  registry: FlowRegistry<E>,
  session: ChatState,
  input: Input,
  ctx: FlowContext,
  load: DataLoader
): Promise<Turn<E>> {
  const turn = new TurnBuilder(registry, structuredClone(session), ctx)
  const steps = turn.handle(input)
  for (let next = steps.next(); !next.done;) {
    next = steps.next(await load(next.value, turn.snapshot))
  }
  return turn.result()
}

class TurnBuilder<E extends EffectBase> {
  private readonly replies: Reply[] = []
  private readonly effects: (E | EngineEffect)[] = []
  private readonly started: string[] = []
  /** Lines to put before the next message (a hint before a re-ask, a notice before a prompt). */
  private pending: Text[] = []

  constructor(
    private readonly registry: FlowRegistry<E>,
    private readonly session: ChatState,
    private ctx: FlowContext
  ) {}

  get snapshot(): Snapshot {
    return this.ctx.snapshot
  }

  /**
   * Pauses the turn until the data the flow declares for these answers is loaded, reusing what an
   * earlier turn of the open flow kept (`state.kept`), and keeps what may be reused for the next.
   */
  private *ensureData(state: { flowId: string; answers: Answers; kept?: KeptLookups }): Steps {
    const flow = this.registry.get(state.flowId)
    const needs = flow?.data?.(state.answers, this.ctx) ?? []
    let snapshot = withKeptLookups(this.ctx.snapshot, state.kept, needs)
    const missing = needs.filter((need) => !isLoaded(snapshot, need))
    if (missing.length > 0) snapshot = yield missing
    this.ctx = { ...this.ctx, snapshot }
    const kept = keepLookups(snapshot.lookups, needs)
    if (kept) state.kept = kept
    else delete state.kept
  }

  result(): Turn<E> {
    if (this.pending.length > 0) this.send({ texts: [] })
    return {
      session: this.session,
      replies: this.replies,
      effects: this.effects,
      started: this.started,
    }
  }

  *handle(input: Input): Steps {
    const active = this.session.active
    if (active && !(yield* this.checkFlowVersion(active))) return
    if (this.session.active) yield* this.ensureData(this.session.active)
    if (input.type === 'timeout') return yield* this.onTimeout(input.kind)
    if (input.type === 'text' && input.text.length > MAX_INPUT_CHARS) {
      this.note({ key: 'common:tooLong' })
      return yield* this.promptOrMenu()
    }
    if (this.session.active) this.session.active.lastInputAt = this.ctx.now.toISOString()
    const detected =
      input.type === 'text'
        ? detectCommand(input.text, this.registry)
        : input.type === 'choice'
          ? detectStartButton(input.id)
          : undefined
    // Inside the gate only help and the notice itself work: no way round consent.
    const inGate =
      !!this.session.active && this.session.active.flowId === this.registry.gate?.flowId
    const command =
      (inGate && detected?.kind !== 'help' && detected?.kind !== 'privacy') ||
      (detected !== undefined && this.offeredByQuestion(input, detected))
        ? undefined
        : detected
    if (command?.kind === 'privacy') {
      this.note({ key: 'common:privacy' })
      return yield* this.promptOrMenu()
    }
    if (this.gateApplies()) return yield* this.enterGate(input)
    if (command && command.kind !== 'skip') return yield* this.onCommand(command)
    if (!this.session.active) return yield* this.onIdle(input)
    switch (this.session.active.mode) {
      case 'ask':
        return yield* this.onAnswer(input, command?.kind === 'skip')
      case 'confirm':
        return yield* this.onConfirm(input)
      case 'pick_edit':
        return yield* this.onPickEdit(input)
      case 'interrupt':
        return yield* this.onInterrupt(input)
      case 'resume_draft':
        return yield* this.onResumeDraft(input)
    }
  }

  // === The gate (consent before anything else)

  private gateApplies(): boolean {
    const gate = this.registry.gate
    return !!gate && gate.applies(this.ctx) && this.session.active?.flowId !== gate.flowId
  }

  /**
   * Starts the gate flow; a flow in progress (a notice changed mid-flow) is kept as a draft. When
   * the gate says so, `input` answers the gate's first question instead of it being asked.
   */
  private *enterGate(input?: Input): Steps {
    const active = this.session.active
    if (active) this.session.drafts[active.flowId] = normalized(active)
    this.session.active = null
    const gate = this.registry.gate!
    const flow = this.registry.get(gate.flowId)!
    const first = flow.steps.find((step) => isAsked(step, {}, this.ctx))
    if (input && first && gate.answeredAtOnce?.(this.ctx)) {
      this.started.push(flow.id)
      this.session.menu = null
      this.session.active = { ...this.freshState(flow), stepId: first.id }
      return yield* this.onAnswer(input, false)
    }
    yield* this.startFlow(gate.flowId)
  }

  /** After a note: the question waiting (the gate's while it applies), else the main menu. */
  private *promptOrMenu(): Steps {
    if (this.gateApplies()) return yield* this.enterGate()
    return this.session.active ? yield* this.promptCurrent() : yield* this.showMenu()
  }

  // === Global words and idle input

  private *onCommand(command: Exclude<Command, { kind: 'skip' | 'privacy' }>): Steps {
    const active = this.session.active
    if (command.kind === 'help') {
      this.note({
        key: 'common:help',
        params: { contact: this.ctx.snapshot.helpContact || { key: 'common:helpFallback' } },
      })
      return active ? yield* this.promptCurrent() : yield* this.showMenu()
    }
    if (command.kind === 'stop' || command.kind === 'resume') {
      // Reminders and broadcasts only: the conversation itself goes on (docs/design.md P9).
      const optedOut = command.kind === 'stop'
      this.effects.push(
        optedOut
          ? { type: 'opted_out', at: this.ctx.now.toISOString() }
          : { type: 'opted_in', at: this.ctx.now.toISOString() }
      )
      this.note({ key: optedOut ? 'common:optOut.done' : 'common:optIn.done' })
      return active ? yield* this.promptCurrent() : this.send({ texts: [] })
    }
    if (!active) {
      if (command.kind === 'start') return yield* this.startFlow(command.flowId, command.arg)
      if (command.kind === 'back' || command.kind === 'cancel')
        this.note({ key: 'common:nothingActive' })
      return yield* this.showMenu()
    }
    if (command.kind === 'back') return yield* this.goBack(active)
    if (command.kind === 'start' && command.flowId === active.flowId) {
      // The flow's own word at "what to do with the answers so far?" means: go on with it.
      if (active.mode === 'interrupt') this.resumeFromInterrupt(active)
      this.note({ key: 'common:alreadyInFlow' })
      return yield* this.promptCurrent()
    }
    if (Object.keys(active.answers).length === 0 && active.mode === 'ask') {
      // Nothing typed yet: there is no draft to ask about.
      this.session.active = null
      return yield* this.goTo(command)
    }
    active.mode = 'interrupt'
    active.interrupt = command
    yield* this.promptCurrent()
  }

  private *onIdle(input: Input): Steps {
    const menu = this.session.menu
    if (menu && (input.type === 'text' || input.type === 'choice')) {
      const picked = this.pick(input, this.menuOptions(menu))
      if (picked?.startsWith(MENU_PAGE))
        return yield* this.showMenu(Number(picked.slice(MENU_PAGE.length)))
      if (picked) return yield* this.startFlow(picked.slice(MENU_FLOW.length))
    }
    // A shared number was matched (or not) before this turn: the menu says who they are now,
    // after why a card recognised nobody (someone else's number, or one nobody registered).
    if (input.type === 'contact') {
      const help = { contact: this.ctx.snapshot.helpContact || { key: 'common:helpFallback' } }
      if (input.isSender === false) this.note({ key: 'contact:notOwn', params: help })
      else if (!this.ctx.snapshot.person) this.note({ key: 'contact:unknown', params: help })
      return yield* this.showMenu()
    }
    const smallTalk = input.type === 'text' ? parseSmallTalk(input.text) : undefined
    if (smallTalk) {
      this.note({ key: `common:smallTalk.${smallTalk}` })
      return yield* this.showMenu()
    }
    this.note({ key: input.type === 'unsupported' ? unsupportedKey(input.kind) : 'common:unknown' })
    yield* this.showMenu()
  }

  private *goTo(target: InterruptTarget): Steps {
    if (target.kind === 'start') return yield* this.startFlow(target.flowId, target.arg)
    if (target.kind === 'cancel') return this.say({ key: 'common:cancelled' })
    yield* this.showMenu()
  }

  /** The main menu: the flows this person may use, at most `MENU_PAGE_SIZE` items a screen. */
  private *showMenu(page = 0): Steps {
    const allowed = this.registry.menu.filter((f) => f.allowed?.(this.ctx) ?? true)
    // A notice under the menu may read data its flow declares (registrations waiting).
    for (const flow of allowed) {
      if (flow.menuNotice) yield* this.ensureData({ flowId: flow.id, answers: {} })
    }
    const notices = allowed.flatMap((f) => {
      const notice = f.menuNotice?.(this.ctx)
      return notice ? [{ flow: f, notice }] : []
    })
    // Flows with something waiting come first, so the menu's first page opens them.
    const waiting = new Set(notices.map((n) => n.flow))
    const flows = [...waiting, ...allowed.filter((f) => !waiting.has(f))]
    const pages = Math.max(1, Math.ceil(flows.length / MENU_PAGE_SIZE))
    const current = Math.min(page, pages - 1)
    const ids = flows
      .slice(current * MENU_PAGE_SIZE, (current + 1) * MENU_PAGE_SIZE)
      .map((f) => MENU_FLOW + f.id)
    if (pages > 1) ids.push(MENU_PAGE + String((current + 1) % pages))
    this.session.menu = ids
    const person = this.ctx.snapshot.person
    const texts: Text[] = [
      person
        ? { key: 'common:menu.titleNamed', params: { name: person.name } }
        : { key: 'common:menu.title' },
    ]
    if (person?.status === 'pending') texts.push({ key: 'common:menu.pending' })
    // Someone rejected hears why, and that DAFTAR is open to them again: no dead end.
    if (person?.status === 'rejected') {
      texts.push(
        person.rejectionReason
          ? { key: 'common:menu.rejectedWithReason', params: { reason: person.rejectionReason } }
          : { key: 'common:menu.rejected' }
      )
    }
    texts.push(...notices.map((n) => n.notice))
    this.send({ texts, choices: this.menuOptions(ids) })
    if (!person && this.ctx.snapshot.askPhone) {
      this.send({ texts: [{ key: 'common:menu.sharePhone' }], requestContact: true })
    }
  }

  private menuOptions(ids: string[]): ChoiceOption[] {
    return ids.flatMap((id) => {
      if (id.startsWith(MENU_PAGE)) return [{ id, label: { key: 'common:menu.more' } }]
      const flow = this.registry.get(id.slice(MENU_FLOW.length))
      return flow ? [{ id, label: { key: flowKeys.title(flow.id) } }] : []
    })
  }

  // === Starting, drafts, version changes

  private *startFlow(flowId: string, arg?: string): Steps {
    const flow = this.registry.get(flowId)
    if (!flow) return yield* this.showMenu()
    this.started.push(flowId)
    this.session.menu = null
    yield* this.ensureData({ flowId, answers: {} })
    if (flow.allowed && !flow.allowed(this.ctx)) {
      this.note({ key: 'common:notAllowed' })
      return yield* this.showMenu()
    }
    const reason = flow.unavailable?.(this.ctx)
    if (reason) return this.say(reason)
    const draft = this.session.drafts[flowId]
    if (arg === undefined && draft && draft.flowVersion === flow.version) {
      this.session.active = { ...draft, mode: 'resume_draft', interrupt: null }
      return yield* this.promptCurrent()
    }
    delete this.session.drafts[flowId]
    const fresh = this.freshState(flow)
    if (arg !== undefined && flow.prefill) {
      fresh.answers = pruneUndefined(flow.prefill(arg, this.ctx))
      fresh.history = Object.keys(fresh.answers)
    }
    this.session.active = fresh
    yield* this.advance(flow, fresh)
  }

  private freshState(flow: AnyFlow<E>): FlowState {
    const now = this.ctx.now.toISOString()
    return {
      flowId: flow.id,
      flowVersion: flow.version,
      mode: 'ask',
      stepId: null,
      answers: {},
      history: [],
      retries: 0,
      interrupt: null,
      startedAt: now,
      lastInputAt: now,
    }
  }

  /** A flow that changed since the state was written restarts without its stale answers. */
  private *checkFlowVersion(active: FlowState): Steps<boolean> {
    const flow = this.registry.get(active.flowId)
    if (flow && flow.version === active.flowVersion) return true
    this.session.active = null
    delete this.session.drafts[active.flowId]
    if (!flow) {
      this.note({ key: 'common:flowGone' })
      yield* this.showMenu()
      return false
    }
    this.note({ key: 'common:flowChanged' })
    yield* this.startFlow(flow.id)
    return false
  }

  private *onTimeout(kind: 'remind' | 'expire'): Steps {
    const active = this.session.active
    if (!active) return
    // Without consent only the notice itself speaks (docs/domain.md, decision 21): a draft is kept
    // quietly.
    const silent = this.gateApplies()
    if (kind === 'remind') {
      if (silent) return
      this.note({ key: 'common:inactivity.reminder' })
      return yield* this.promptCurrent()
    }
    this.session.drafts[active.flowId] = { ...normalized(active) }
    this.session.active = null
    if (silent) return
    this.say({
      key: 'common:inactivity.expired',
      params: { command: this.commandOf(active.flowId) },
    })
  }

  // === Asking steps

  private *onAnswer(input: Input, skip: boolean): Steps {
    const active = this.session.active!
    const flow = this.flowOf(active)
    const step = flow.steps.find((s) => s.id === active.stepId)
    if (!step) return yield* this.advance(flow, active)
    const env = this.envFor(flow, active, step)
    if (skip) {
      if (!step.optional) return this.reask(flow, active, step, { key: 'common:retry.notOptional' })
      return yield* this.accept(flow, active, step, null)
    }
    const doubted = active.doubt?.stepId === step.id ? active.doubt : null
    delete active.doubt
    if (doubted) {
      const yes = input.type === 'text' ? parseYesNo(input.text) : undefined
      if (yes === true) return yield* this.accept(flow, active, step, doubted.value)
      if (yes === false) return this.promptStep(flow, active, step)
    }
    const aside = this.asideOf(input, step, env)
    if (aside === 'decline') return yield* this.accept(flow, active, step, null)
    if (aside) {
      this.note({ key: `common:smallTalk.${aside}` })
      this.note({ key: 'common:smallTalk.resume' })
      return this.promptStep(flow, active, step)
    }
    const result = step.accept(input, env)
    if (result.ok) {
      // The same unlikely answer twice is a yes; a different one is checked in its turn.
      const again = doubted && JSON.stringify(doubted.value) === JSON.stringify(result.value)
      const question = again ? undefined : step.doubt?.(result.value, env)
      if (!question) return yield* this.accept(flow, active, step, result.value)
      active.doubt = { stepId: step.id, value: result.value }
      return this.askDoubt(question, env)
    }
    const hint =
      result.hint ??
      (input.type === 'unsupported'
        ? { key: unsupportedKey(input.kind) }
        : { key: [flowKeys.retry(flow.id, step.id), `common:retry.${step.kind}`] })
    this.reask(flow, active, step, hint)
  }

  /**
   * A reply that is no answer to the step: small talk ("terima kasih" mid-flow), or a no to an
   * optional question ("Ingin melampirkan foto?" "tidak"), which skips it.
   */
  private asideOf(input: Input, step: AnyStep, env: StepEnv): SmallTalk | 'decline' | undefined {
    if (input.type !== 'text') return undefined
    if (step.kind !== 'text' && step.accept(input, env).ok) return undefined
    const smallTalk = parseSmallTalk(input.text)
    if (smallTalk) return smallTalk
    const declined = step.optional && step.kind !== 'yes_no' && parseYesNo(input.text) === false
    return declined ? 'decline' : undefined
  }

  private *accept(
    flow: AnyFlow<E>,
    active: FlowState,
    step: AnyStep,
    value: Answers[string]
  ): Steps {
    const changed = JSON.stringify(active.answers[step.id]) !== JSON.stringify(value)
    active.answers[step.id] = value as FlowState['answers'][string]
    active.history = [...active.history.filter((id) => id !== step.id), step.id]
    active.retries = 0
    if (changed) dropDependents(flow, active, step.id)
    yield* this.advance(flow, active)
  }

  private reask(flow: AnyFlow<E>, active: FlowState, step: AnyStep, hint: Text): void {
    active.retries += 1
    this.note(hint)
    if (active.retries >= MAX_RETRIES_BEFORE_HELP) this.note({ key: 'common:retry.stuck' })
    this.promptStep(flow, active, step)
  }

  /** Drops answers whose condition no longer holds, then asks the first unanswered step. */
  private *advance(flow: AnyFlow<E>, active: FlowState): Steps {
    yield* this.ensureData(active)
    dropStale(flow, active, this.ctx)
    yield* this.ensureData(active)
    const unanswered = (s: AnyStep) =>
      isAsked(s, active.answers, this.ctx) && active.answers[s.id] === undefined
    // Looked for again after each default: one may make a later step asked (a kept sasaran asks
    // for the KB status, which has its default too).
    for (let step = flow.steps.find(unanswered); step; step = flow.steps.find(unanswered)) {
      const value = step.defaultValue?.(active.answers, this.ctx)
      if (value === undefined) break
      active.answers[step.id] = value
      yield* this.ensureData(active)
    }
    const next = flow.steps.find(unanswered)
    active.interrupt = null
    if (next) {
      active.mode = 'ask'
      active.stepId = next.id
      return this.promptStep(flow, active, next)
    }
    active.stepId = null
    if (flow.confirm) {
      active.mode = 'confirm'
      return yield* this.promptCurrent()
    }
    yield* this.complete(flow, active)
  }

  private *goBack(active: FlowState): Steps {
    const flow = this.flowOf(active)
    const previous = active.history.at(-1)
    if (previous === undefined) {
      this.note({ key: 'common:back.atStart' })
      return yield* this.promptCurrent()
    }
    active.history = active.history.slice(0, -1)
    delete active.answers[previous]
    active.mode = 'ask'
    active.stepId = previous
    active.interrupt = null
    yield* this.advance(flow, active)
  }

  // === Summary, edit, completion

  private *onConfirm(input: Input): Steps {
    const active = this.session.active!
    const flow = this.flowOf(active)
    // "ya", "sampun" send; "tidak" opens "ubah" (the options' meanings, locales/id/lexicon.json).
    const picked = this.pick(input, CONFIRM_OPTIONS)
    if (picked === 'send') return yield* this.complete(flow, active)
    if (picked === 'edit') {
      active.mode = 'pick_edit'
      return yield* this.promptCurrent()
    }
    if (picked === 'cancel') {
      this.session.active = null
      return this.say({ key: 'common:cancelled' })
    }
    // A photo or a location sent at the summary answers the flow's question of that kind.
    const evidence =
      input.type === 'photo' || input.type === 'location'
        ? flow.steps.find(
            (s) => s.kind === input.type && !s.hidden && isAsked(s, active.answers, this.ctx)
          )
        : undefined
    const read = evidence?.accept(input, this.envFor(flow, active, evidence))
    if (evidence && read?.ok) return yield* this.accept(flow, active, evidence, read.value)
    this.note({ key: 'common:retry.choice' })
    yield* this.promptCurrent()
  }

  private *onPickEdit(input: Input): Steps {
    const active = this.session.active!
    const flow = this.flowOf(active)
    const picked = this.pick(input, [...this.editOptions(flow, active), EDIT_BACK_OPTION])
    if (picked === undefined) {
      this.note({ key: 'common:retry.choice' })
      return yield* this.promptCurrent()
    }
    if (picked === EDIT_BACK_OPTION.id) {
      active.mode = 'confirm'
      return yield* this.promptCurrent()
    }
    const step = flow.steps.find((s) => s.id === picked)!
    active.mode = 'ask'
    active.stepId = step.id
    this.promptStep(flow, active, step)
  }

  private *complete(flow: AnyFlow<E>, active: FlowState): Steps {
    // `advance` has checked that every asked step has its answer.
    const completion = flow.complete(active.answers as never, this.ctx)
    this.effects.push(...completion.effects)
    this.session.active = null
    delete this.session.drafts[flow.id]
    this.send(completion.reply)
    const menuAfter =
      typeof flow.menuAfter === 'function' ? flow.menuAfter(active.answers) : flow.menuAfter
    if (menuAfter) yield* this.showMenu()
  }

  // === Interruptions and drafts

  private *onInterrupt(input: Input): Steps {
    const active = this.session.active!
    const target = active.interrupt
    const picked = this.pick(input, INTERRUPT_OPTIONS)
    if (!target || picked === 'continue') {
      this.resumeFromInterrupt(active)
      return yield* this.promptCurrent()
    }
    if (picked === undefined) {
      // The next answer typed instead ("batal" was a slip): go on and take it as the answer.
      if (this.answersCurrentStep(active, input)) {
        this.resumeFromInterrupt(active)
        return yield* this.onAnswer(input, false)
      }
      this.note({ key: 'common:retry.choice' })
      return yield* this.promptCurrent()
    }
    this.session.active = null
    if (picked === 'keep') {
      this.session.drafts[active.flowId] = normalized(active)
      this.note({ key: 'common:draft.kept', params: { command: this.commandOf(active.flowId) } })
    } else {
      delete this.session.drafts[active.flowId]
    }
    yield* this.goTo(target)
  }

  private resumeFromInterrupt(active: FlowState): void {
    active.interrupt = null
    active.mode = active.stepId === null ? 'confirm' : 'ask'
  }

  /** Whether the input is a valid answer to the question the flow was asking. */
  private answersCurrentStep(active: FlowState, input: Input): boolean {
    const flow = this.flowOf(active)
    const step = flow.steps.find((s) => s.id === active.stepId)
    return !!step && step.accept(input, this.envFor(flow, active, step)).ok
  }

  private *onResumeDraft(input: Input): Steps {
    const active = this.session.active!
    const flow = this.flowOf(active)
    const picked = this.pick(input, DRAFT_OPTIONS)
    if (picked === 'continue') {
      delete this.session.drafts[active.flowId]
      active.mode = active.stepId === null ? 'confirm' : 'ask'
      return yield* this.advance(flow, active)
    }
    if (picked === 'new') {
      delete this.session.drafts[active.flowId]
      this.session.active = this.freshState(flow)
      return yield* this.advance(flow, this.session.active)
    }
    this.note({ key: 'common:retry.choice' })
    yield* this.promptCurrent()
  }

  // === Prompts

  /** Asks again whatever the active flow is waiting for. */
  private *promptCurrent(): Steps {
    const active = this.session.active
    if (!active) return yield* this.showMenu()
    yield* this.ensureData(active)
    const flow = this.flowOf(active)
    const title = { key: flowKeys.title(flow.id) }
    switch (active.mode) {
      case 'ask': {
        const step = flow.steps.find((s) => s.id === active.stepId)
        if (!step) return yield* this.advance(flow, active)
        if (active.doubt?.stepId === step.id) return this.promptDoubt(flow, active, step)
        return this.promptStep(flow, active, step)
      }
      case 'confirm':
        return this.send({ texts: this.summary(flow, active), choices: CONFIRM_OPTIONS })
      case 'pick_edit':
        return this.send({
          texts: [{ key: 'common:edit.question' }],
          choices: [...this.editOptions(flow, active), EDIT_BACK_OPTION],
        })
      case 'interrupt':
        return this.send({
          texts: [{ key: 'common:interrupt.question', params: { flow: title } }],
          choices: INTERRUPT_OPTIONS,
        })
      case 'resume_draft':
        return this.send({
          texts: [
            { key: 'common:draft.question', params: { flow: title, date: active.startedAt } },
          ],
          choices: DRAFT_OPTIONS,
        })
    }
  }

  /** Asks again whether the unlikely answer waiting for a yes is right (after BANTUAN, a draft). */
  private promptDoubt(flow: AnyFlow<E>, active: FlowState, step: AnyStep): void {
    const env = this.envFor(flow, active, step)
    const question = active.doubt ? step.doubt?.(active.doubt.value, env) : undefined
    if (!question) return this.promptStep(flow, active, step)
    this.askDoubt(question, env)
  }

  /** The doubt question, with the step's options again so a choice can be corrected. */
  private askDoubt(question: Text, env: StepEnv): void {
    this.send(
      env.options.length > 0 ? { texts: [question], choices: env.options } : { texts: [question] }
    )
  }

  private promptStep(flow: AnyFlow<E>, active: FlowState, step: AnyStep): void {
    delete active.doubt
    const params = step.promptParams?.(active.answers, this.ctx)
    const texts: Text[] = [{ key: flowKeys.prompt(flow.id, step.id), params }]
    if (step.kind === 'multi_choice') texts.push({ key: 'common:hint.multi' })
    if (step.optional) texts.push({ key: 'common:hint.optional' })
    const choices = step.options?.(active.answers, this.ctx, flow.id)
    const multiple = step.kind === 'multi_choice' ? { multiple: true } : {}
    this.send(choices ? { texts, choices, ...multiple } : { texts })
  }

  private summary(flow: AnyFlow<E>, active: FlowState): Text[] {
    const lines: Text[] = flow.steps
      .filter((s) => this.isShown(s, active))
      .map((step) => {
        const value = active.answers[step.id]
        const env = this.envFor(flow, active, step)
        return {
          key: 'common:confirm.line',
          params: {
            label: { key: flowKeys.label(flow.id, step.id) },
            value: value === null ? { key: 'common:value.skipped' } : step.display(value, env),
          },
        }
      })
    return [
      { key: [`${flow.id}:summary`, 'common:confirm.title'] },
      ...lines,
      { key: 'common:confirm.question' },
    ]
  }

  private editOptions(flow: AnyFlow<E>, active: FlowState): ChoiceOption[] {
    return flow.steps
      .filter((s) => this.isShown(s, active))
      .map((s) => ({ id: s.id, label: { key: flowKeys.label(flow.id, s.id) } }))
  }

  // === Small helpers

  /**
   * A command word that is also an option of the question being asked is an answer, not a
   * command: the person is answering what they see. A flow's trigger word counts when it matches
   * an option at all ("rujukan" among the actions); a global word when it names one outright
   * ("batalkan" for "Batalkan siaran", while "batal" still cancels).
   */
  private offeredByQuestion(input: Input, command: Command): boolean {
    const active = this.session.active
    if (!active || active.mode !== 'ask' || input.type !== 'text') return false
    const flow = this.registry.get(active.flowId)
    const step = flow?.steps.find((s) => s.id === active.stepId)
    if (!flow || !step?.options) return false
    const candidates = candidatesOf(step.options(active.answers, this.ctx, flow.id), this.ctx)
    if (command.kind !== 'start') return namesOption(input.text, candidates)
    const words = input.text.split(/[,;]/)
    return words.some((word) => matchChoice(word, candidates).kind === 'match')
  }

  /** Answered, still asked, and not hidden: it belongs in the summary and in "ubah". */
  private isShown(step: AnyStep, active: FlowState): boolean {
    return (
      !step.hidden &&
      active.answers[step.id] !== undefined &&
      isAsked(step, active.answers, this.ctx)
    )
  }

  private pick(input: Input, options: ChoiceOption[]): string | undefined {
    if (input.type === 'choice') return options.find((o) => o.id === input.id)?.id
    if (input.type !== 'text') return undefined
    const match = matchChoice(input.text, candidatesOf(options, this.ctx), clockOf(this.ctx))
    return match.kind === 'match' ? match.id : undefined
  }

  private envFor(flow: AnyFlow<E>, active: FlowState, step: AnyStep): StepEnv {
    const options = step.options?.(active.answers, this.ctx, flow.id) ?? []
    return { flowId: flow.id, ctx: this.ctx, answers: active.answers, options }
  }

  private flowOf(active: FlowState): AnyFlow<E> {
    // `handle` checked the flow exists and has this version before any mode runs.
    return this.registry.get(active.flowId)!
  }

  private commandOf(flowId: string): string {
    const word = this.registry.get(flowId)?.commands[0]
    return word ? `/${word}` : 'MENU'
  }

  private note(text: Text): void {
    this.pending.push(text)
  }

  private say(text: Text): void {
    this.send({ texts: [text] })
  }

  private send(reply: Reply): void {
    const texts = [...this.pending, ...reply.texts]
    this.pending = []
    // A flow may leave its closing words to the runtime (a reference number it allocates).
    if (texts.length === 0 && !reply.choices?.length) return
    this.replies.push({ ...reply, texts })
  }
}

const MENU_FLOW = 'menu:'
const MENU_PAGE = 'menu:$page:'
/**
 * Options a menu screen shows (docs/domain.md#chat-conventions: about six); the last one pages on.
 */
export const MENU_PAGE_SIZE = 5

function pruneUndefined(answers: Answers): FlowState['answers'] {
  return Object.fromEntries(
    Object.entries(answers).filter(
      (entry): entry is [string, NonNullable<Answers[string]> | null] => entry[1] !== undefined
    )
  ) as FlowState['answers']
}

function unsupportedKey(kind: string): string[] {
  return [`common:unsupported.${kind}`, 'common:unsupported.other']
}

function isAsked(step: AnyStep, answers: Answers, ctx: FlowContext): boolean {
  return step.when ? step.when(answers, ctx) : true
}

/** Removes answers of steps that are no longer asked, or whose option is no longer offered. */
function dropStale(flow: Flow, active: FlowState, ctx: FlowContext): void {
  for (const step of flow.steps) {
    const value = active.answers[step.id]
    if (value === undefined) continue
    const stale =
      !isAsked(step, active.answers, ctx) ||
      (step.kind === 'choice' &&
        value !== null &&
        !step.options?.(active.answers, ctx, flow.id).some((o) => o.id === value))
    if (stale) {
      delete active.answers[step.id]
      active.history = active.history.filter((id) => id !== step.id)
    }
  }
}

/** After "ubah" of one answer, the answers that declared a dependency on it are asked again. */
function dropDependents(flow: Flow, active: FlowState, changedId: string): void {
  const changed = new Set([changedId])
  for (const step of flow.steps) {
    if (step.dependsOn.some((id) => changed.has(id))) {
      changed.add(step.id)
      delete active.answers[step.id]
      active.history = active.history.filter((id) => id !== step.id)
    }
  }
}

/**
 * A draft resumes in a waiting mode, never in an interrupt question, and loads its data afresh:
 * it may be resumed days later.
 */
function normalized(state: FlowState): FlowState {
  const { kept: _kept, ...draft } = state
  return { ...draft, mode: draft.stepId === null ? 'confirm' : 'ask', interrupt: null }
}
