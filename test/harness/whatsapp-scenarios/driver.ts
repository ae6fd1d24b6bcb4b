/**
 * One person's view of the bot on either WhatsApp transport, so the same flow scenarios run on
 * both: both WhatsApp transports must pass the same flow tests. A scenario types text and
 * picks options by their label; the transport's adapter turns "pick Sudah dilayani" into what a
 * person does there: on Baileys the option's number typed, on the Cloud API a tap on the reply
 * button or list row (a reply with the option's id), or its number typed where the options fell
 * back to a numbered list (more than 10, or labels too long for a row).
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, test } from 'vitest'
import type { Db } from '../../../src/db/client.js'
import type { I18n } from '../../../src/i18n/index.js'
import { type TestDbHandle, createTestDb } from '../db.js'
import { type CloudTestBot, type Seen, buildCloudBot, seen } from '../whatsapp-cloud-bot.js'
import { type WaPerson, createWhatsAppBot } from '../whatsapp.js'

/** A person on WhatsApp: her phone, and the LID WhatsApp v7 addresses her by (Baileys). */
export type FlowPerson = Required<WaPerson>

export type TransportName = 'baileys' | 'cloud'

export type FlowDriver = {
  transport: TransportName
  i18n: I18n
  /** The id her chat has on this transport (outbox `recipient_id`, identity `external_id`). */
  chatOf: (who: FlowPerson) => string
  /** Types `text`; resolves with the texts she is shown in reply (a message's body, on Cloud). */
  say: (who: FlowPerson, text: string) => Promise<string[]>
  /** Picks the option of the last message she got whose label is (or matches) `label`. */
  choose: (who: FlowPerson, label: string | RegExp) => Promise<string[]>
  /** Picks several options of a multiple choice, as a person would there. */
  chooseMany: (who: FlowPerson, labels: string[]) => Promise<string[]>
  /** The options of the last message she got, by label, in order. */
  options: (who: FlowPerson) => string[]
  /** The texts of everything she was shown so far, oldest first. */
  inbox: (who: FlowPerson) => string[]
  /** Sends what jobs and effects queued outside a conversation. */
  flush: () => Promise<void>
  stop: () => Promise<void>
}

/** The Cloud driver, with its bot for what only the Cloud API has (templates, taps by id). */
export type CloudFlowDriver = FlowDriver & { cloud: CloudTestBot }

export type StartOptions = { now: () => Date; adminBaseUrl?: string }

/** The Cloud bot's own options too: the approved templates (table, and at the fake). */
export type CloudStartOptions = StartOptions &
  Pick<NonNullable<Parameters<typeof buildCloudBot>[2]>, 'templates' | 'graph'>

/**
 * The labels of a numbered list as the transports render it (`1. Label` lines, the block before
 * the "Balas dengan angka" hint), in order; none when the text has no such block.
 */
export function numberedOptions(text: string): string[] {
  const blocks = text.split('\n\n')
  for (let i = blocks.length - 1; i >= 0; i--) {
    const lines = blocks[i]!.split('\n')
    if (lines.every((line) => /^\d+\. /.test(line))) {
      return lines.map((line) => line.replace(/^\d+\. /, '').replace(/\u200b/g, ''))
    }
  }
  return []
}

const matches = (label: string, wanted: string | RegExp) =>
  typeof wanted === 'string' ? label === wanted : wanted.test(label)

function indexOf(options: string[], wanted: string | RegExp): number {
  const index = options.findIndex((label) => matches(label, wanted))
  if (index < 0) throw new Error(`no option ${String(wanted)} in: ${options.join(' | ')}`)
  return index
}

/** The Baileys transport on the stand-in socket: every option is picked by its number. */
export async function startBaileysDriver(db: Db, options: StartOptions): Promise<FlowDriver> {
  const bot = await createWhatsAppBot(db, options)
  const chatOf = (who: FlowPerson) => `${who.lid}@lid`
  const driver: FlowDriver = {
    transport: 'baileys',
    i18n: bot.i18n,
    chatOf,
    say: (who, text) => bot.say(who, text),
    options: (who) => numberedOptions(bot.inbox(chatOf(who)).at(-1) ?? ''),
    choose: (who, label) => bot.say(who, String(indexOf(driver.options(who), label) + 1)),
    chooseMany: (who, labels) => {
      const options = driver.options(who)
      return bot.say(who, labels.map((label) => indexOf(options, label) + 1).join(', '))
    },
    inbox: (who) => bot.inbox(chatOf(who)),
    flush: async () => {
      await bot.flush()
    },
    stop: () => bot.stop(),
  }
  return driver
}

/**
 * The Cloud API transport on the fake Graph API: an option shown as a reply button or list row is
 * tapped, one in a numbered list (the fallback) is typed by its number, several are typed by
 * their labels (a list row picks one) or numbers.
 */
export async function startCloudDriver(
  handle: TestDbHandle,
  options: CloudStartOptions
): Promise<CloudFlowDriver> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-wac-flows-'))
  const bot = await buildCloudBot(handle, dataDir, options)
  const chatOf = (who: FlowPerson) => who.phone.replace(/^\+/, '')
  const lastSeen = (who: FlowPerson): Seen | undefined => {
    const last = bot.graph.sent.findLast((s) => s.to === chatOf(who))
    return last ? seen(last.body) : undefined
  }
  const isInteractive = (view: Seen | undefined) => view?.type.startsWith('interactive:') ?? false
  /** Runs `action`; resolves with what went to her meanwhile (not to others). */
  async function shownTo(who: FlowPerson, action: () => Promise<unknown>): Promise<string[]> {
    const before = bot.graph.sent.length
    await action()
    return bot.graph.sent
      .slice(before)
      .filter((s) => s.to === chatOf(who))
      .map((s) => seen(s.body).text)
  }
  const type = (who: FlowPerson, text: string) => shownTo(who, () => bot.say(chatOf(who), text))
  const driver: FlowDriver = {
    transport: 'cloud',
    i18n: bot.i18n,
    chatOf,
    say: type,
    options: (who) => {
      const view = lastSeen(who)
      if (!view) return []
      return isInteractive(view) ? [...view.options.keys()] : numberedOptions(view.text)
    },
    async choose(who, label) {
      const options = driver.options(who)
      const index = indexOf(options, label)
      if (isInteractive(lastSeen(who))) {
        return shownTo(who, () => bot.tap(chatOf(who), options[index]!))
      }
      return type(who, String(index + 1))
    },
    chooseMany(who, labels) {
      const options = driver.options(who)
      if (labels.length === 1 && isInteractive(lastSeen(who))) return driver.choose(who, labels[0]!)
      const picked = labels.map((label) => options[indexOf(options, label)]!)
      return type(
        who,
        isInteractive(lastSeen(who))
          ? picked.join(', ')
          : picked.map((label) => options.indexOf(label) + 1).join(', ')
      )
    },
    inbox: (who) => bot.inbox(chatOf(who)).map((v) => v.text),
    flush: async () => {
      await bot.flush()
    },
    async stop() {
      await bot.sender.idle()
      await bot.sender.stop()
      await bot.graph.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
  return Object.assign(driver, { cloud: bot })
}

/** What a scenario gets: the database, the bot's clock, and a way to start the bot. */
export type ScenarioTools<
  D extends FlowDriver = FlowDriver,
  O extends StartOptions = StartOptions,
> = {
  db: Db
  /** The bot's clock: set `clock.now` to move it. */
  clock: { now: Date }
  start: (options?: Omit<O, 'now'>) => Promise<D>
}

/** One flow scenario both transports run. */
export type Scenario = { name: string; run: (t: ScenarioTools) => Promise<void> }

export type StartDriver<D extends FlowDriver, O extends StartOptions> = (
  handle: TestDbHandle,
  options: O
) => Promise<D>

export const baileysTransport: StartDriver<FlowDriver, StartOptions> = (handle, options) =>
  startBaileysDriver(handle.db, options)

/**
 * Registers a database per test (`beforeEach`) and stops the bot `start` made and drops the
 * database after it (`afterEach`); returns the current test's tools. The clock starts at `startAt`.
 */
export function useScenarioTools<D extends FlowDriver, O extends StartOptions>(
  start: StartDriver<D, O>,
  startAt: Date
): () => ScenarioTools<D, O> {
  let handle: TestDbHandle
  let driver: D | undefined
  let tools: ScenarioTools<D, O>
  beforeEach(async () => {
    handle = await createTestDb()
    const clock = { now: startAt }
    tools = {
      db: handle.db,
      clock,
      async start(options) {
        driver = await start(handle, { ...options, now: () => clock.now } as O)
        return driver
      },
    }
  })
  afterEach(async () => {
    await driver?.stop()
    driver = undefined
    await handle.close()
  })
  return () => tools
}

/** One test per scenario, each on the current test's tools. */
export function runScenarios(
  scenarios: Scenario[],
  tools: () => ScenarioTools<FlowDriver, StartOptions>
): void {
  for (const scenario of scenarios) test(scenario.name, () => scenario.run(tools()))
}
