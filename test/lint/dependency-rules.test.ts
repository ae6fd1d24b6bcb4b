/**
 * Proves that eslint.config.js enforces the dependency directions of
 * docs/architecture.md#dependency-rules and the purity of the core: for each zone, an import it
 * must refuse is reported and one it may use is not. Snippets are linted in memory as if they were
 * files at the given paths.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, test } from 'vitest'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The rules this file is about; other findings in a snippet (unused imports…) are ignored. */
const WATCHED_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-syntax',
  'no-restricted-properties',
  'no-restricted-exports',
  'no-console',
])

let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: REPO_ROOT })
}, 30_000)

/** Lints `code` as the file `filePath` and returns the watched rules it broke. */
async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  if (result === undefined) throw new Error(`ESLint returned no result for ${filePath}`)
  const fatal = result.messages.find((message) => message.fatal === true)
  if (fatal !== undefined) throw new Error(`${filePath} did not parse: ${fatal.message}`)
  return result.messages
    .map((message) => message.ruleId ?? '')
    .filter((ruleId) => WATCHED_RULES.has(ruleId))
}

/** A zone's cases: the file the snippet pretends to be, and imports it must refuse or allow. */
type ZoneCases = { file: string; refused: string[]; allowed: string[] }

const ZONES: Record<string, ZoneCases> = {
  engine: {
    file: 'src/engine/steps/ask-x.ts',
    refused: [
      "import { createDb } from '../../db/client.js'",
      "import type { InboundMessage } from '../../channels/types.js'",
      "import { handleInbound } from '../../conversation/handle-inbound.js'",
      "import { createApp } from '../../http/app.js'",
      "import { enqueue } from '../../outbox/enqueue.js'",
      "import { tick } from '../../scheduler/index.js'",
      "import { flows } from '../../flows/index.js'",
      "import { createI18n } from '../../i18n/index.js'",
      "import { loadConfig } from '../../config.js'",
      "import { createLogger } from '../../lib/logger.js'",
      "import { readFile } from 'node:fs/promises'",
      "import { readFile } from 'fs'",
      "import i18next from 'i18next'",
      "import { sql } from 'drizzle-orm'",
      "import { pgTable } from 'drizzle-orm/pg-core'",
      "import postgres from 'postgres'",
      "import { Hono } from 'hono'",
      "import { pino } from 'pino'",
      "import { Bot } from 'grammy'",
      "import { describe } from 'vitest'",
      "export { sql } from 'drizzle-orm'",
    ],
    allowed: [
      "import { z } from 'zod'",
      "import { addDays } from 'date-fns'",
      "import { TZDate } from '@date-fns/tz'",
      "import { distance } from 'fastest-levenshtein'",
      "import type { Effect } from '../../domain/effects.js'",
      "import { maskPhone } from '../../lib/redact.js'",
      "import type { Text } from '../types.js'",
      "import { parseChoice } from '../parse/choice.js'",
    ],
  },
  domain: {
    file: 'src/domain/roles.ts',
    refused: [
      "import type { Flow } from '../engine/types.js'",
      "import { visitReport } from '../flows/visit-report.js'",
      "import { people } from '../db/schema/people.js'",
      "import { createI18n } from '../i18n/index.js'",
      "import { loadConfig } from '../config.js'",
      "import { randomUUID } from 'node:crypto'",
      "import { distance } from 'fastest-levenshtein'",
    ],
    allowed: [
      "import { z } from 'zod'",
      "import { maskPhone } from '../lib/redact.js'",
      "import type { Effect } from './effects.js'",
    ],
  },
  flows: {
    file: 'src/flows/visit-report.ts',
    refused: [
      "import { people } from '../db/schema/people.js'",
      "import type { InboundMessage } from '../channels/types.js'",
      "import { handleInbound } from '../conversation/handle-inbound.js'",
      "import { createApp } from '../http/app.js'",
      "import { createI18n } from '../i18n/index.js'",
      "import { loadConfig } from '../config.js'",
      "import i18next from 'i18next'",
      "import { readFile } from 'node:fs/promises'",
    ],
    allowed: [
      "import { defineFlow } from '../engine/index.js'",
      "import type { Effect } from '../domain/effects.js'",
      "import { z } from 'zod'",
      "import { menu } from './menu.js'",
    ],
  },
  channels: {
    file: 'src/channels/telegram/bot.ts',
    refused: [
      "import { resumeFlow } from '../../engine/index.js'",
      "import { flows } from '../../flows/index.js'",
      "import { createDb } from '../../db/client.js'",
      "import { handleInbound } from '../../conversation/handle-inbound.js'",
      "import { enqueue } from '../../outbox/enqueue.js'",
      "import { createApp } from '../../http/app.js'",
      "import { tick } from '../../scheduler/index.js'",
    ],
    allowed: [
      "import type { InboundMessage } from '../types.js'",
      "import type { Logger } from '../../lib/logger.js'",
      "import { Bot } from 'grammy'",
      "import { toInbound } from './to-inbound.js'",
    ],
  },
  db: {
    file: 'src/db/queries/outbox.ts',
    refused: [
      "import type { Flow } from '../../engine/types.js'",
      "import { createTelegramChannel } from '../../channels/telegram/bot.js'",
      "import { handleInbound } from '../../conversation/handle-inbound.js'",
      "import { createApp } from '../../http/app.js'",
      "import { flows } from '../../flows/index.js'",
      "import { wake } from '../../outbox/wake.js'",
      "import { tick } from '../../scheduler/index.js'",
      "import type { DeliveryResult } from '../../channels/types.js'",
    ],
    allowed: [
      "import { sql } from 'drizzle-orm'",
      "import type { Effect } from '../../domain/effects.js'",
      "import type { OutboundMessage } from '../../domain/messages.js'",
      "import { outbox } from '../schema/outbox.js'",
    ],
  },
  conversation: {
    file: 'src/conversation/handle-inbound.ts',
    refused: [
      "import { createApp } from '../http/app.js'",
      "import { tick } from '../scheduler/index.js'",
      "import { createTelegramChannel } from '../channels/telegram/bot.js'",
      "import { connectWhatsApp } from '../channels/whatsapp/socket.js'",
      "import { createSimulatorChannel } from '../channels/simulator/adapter.js'",
    ],
    allowed: [
      "import { resumeFlow } from '../engine/index.js'",
      "import { flows } from '../flows/index.js'",
      "import type { Effect } from '../domain/effects.js'",
      "import { createDb } from '../db/client.js'",
      "import type { I18n } from '../i18n/index.js'",
      "import type { InboundMessage } from '../domain/messages.js'",
    ],
  },
  outbox: {
    file: 'src/outbox/sender.ts',
    refused: [
      "import { createApp } from '../http/app.js'",
      "import { tick } from '../scheduler/index.js'",
      "import { createTelegramChannel } from '../channels/telegram/bot.js'",
    ],
    allowed: [
      "import type { ChannelAdapter } from '../channels/types.js'",
      "import { claimOutbox } from '../db/queries/outbox.js'",
    ],
  },
  http: {
    file: 'src/http/routes/simulator.ts',
    refused: [
      "import { resumeFlow } from '../../engine/index.js'",
      "import { visitReport } from '../../flows/visit-report.js'",
    ],
    allowed: [
      "import { Hono } from 'hono'",
      "import { handleInbound } from '../../conversation/handle-inbound.js'",
      "import { listVisits } from '../../db/queries/visits.js'",
      "import type { Config } from '../../config.js'",
    ],
  },
  scheduler: {
    file: 'src/scheduler/jobs/session-reminders.ts',
    refused: [
      "import { createTelegramChannel } from '../../channels/telegram/bot.js'",
      "import type { InboundMessage } from '../../channels/types.js'",
      "import { createApp } from '../../http/app.js'",
    ],
    allowed: [
      "import { handleInbound } from '../../conversation/handle-inbound.js'",
      "import { enqueue } from '../../outbox/enqueue.js'",
      "import { listDueFires } from '../../db/queries/fires.js'",
      "import cron from 'node-cron'",
    ],
  },
  broadcasts: {
    file: 'src/broadcasts/service.ts',
    refused: [
      "import { resumeFlow } from '../engine/index.js'",
      "import { broadcast } from '../flows/broadcast.js'",
      "import { createRuntime } from '../conversation/runtime.js'",
      "import { createApp } from '../http/app.js'",
      "import { tick } from '../scheduler/index.js'",
      "import { createTelegramChannel } from '../channels/telegram/bot.js'",
      "import { createCloudSender } from '../channels/whatsapp-cloud/sender.js'",
    ],
    allowed: [
      "import { planFires } from '../db/queries/fires.js'",
      "import type { Segment } from '../domain/broadcasts.js'",
      "import { notifyPerson } from '../messaging/notify.js'",
      "import type { ChannelName } from '../domain/messages.js'",
    ],
  },
  messaging: {
    file: 'src/messaging/render.ts',
    refused: [
      "import { createRuntime } from '../conversation/runtime.js'",
      "import { createApp } from '../http/app.js'",
      "import { tick } from '../scheduler/index.js'",
      "import { createBroadcast } from '../broadcasts/service.js'",
      "import { createTelegramChannel } from '../channels/telegram/bot.js'",
    ],
    allowed: [
      "import type { Reply } from '../engine/index.js'",
      "import type { OutboundMessage } from '../domain/messages.js'",
      "import { enqueueMessages } from '../db/queries/outbox.js'",
    ],
  },
  import: {
    file: 'src/import/people.ts',
    refused: [
      "import { flows } from '../flows/index.js'",
      "import { createRuntime } from '../conversation/runtime.js'",
      "import { createApp } from '../http/app.js'",
      "import type { ChannelName } from '../channels/types.js'",
      "import { fanOutBroadcast } from '../broadcasts/service.js'",
      "import { buildDemoPlan } from '../demo/plan.js'",
    ],
    allowed: [
      "import { upsertPeople } from '../db/queries/people.js'",
      "import { localYear } from '../domain/dates.js'",
      "import { normalizePhone } from '../lib/phone.js'",
      "import { parse } from 'csv-parse'",
    ],
  },
  export: {
    file: 'src/export/csv.ts',
    refused: [
      "import { createApp } from '../http/app.js'",
      "import { runImport } from '../import/run.js'",
      "import { tick } from '../scheduler/index.js'",
    ],
    allowed: [
      "import { iterateVisitRows } from '../db/queries/listings.js'",
      "import ExcelJS from 'exceljs'",
    ],
  },
  demo: {
    file: 'src/demo/write.ts',
    refused: [
      "import { flows } from '../flows/index.js'",
      "import { runTurnWithData } from '../conversation/runtime.js'",
      "import { enqueueMessages } from '../outbox/sender.js'",
      "import { runImport } from '../import/run.js'",
    ],
    allowed: [
      "import { createDb } from '../db/client.js'",
      "import { SASARAN } from '../domain/visits.js'",
    ],
  },
  recap: {
    file: 'src/recap/figures.ts',
    refused: [
      "import { flows } from '../flows/index.js'",
      "import { runTurnWithData } from '../conversation/runtime.js'",
      "import { enqueueMessages } from '../outbox/sender.js'",
      "import { createApp } from '../http/app.js'",
      "import { createTelegramChannel } from '../channels/telegram/bot.js'",
    ],
    allowed: [
      "import { createDb } from '../db/client.js'",
      "import type { Text } from '../engine/index.js'",
      "import { renderReply } from '../messaging/render.js'",
      "import { sendNotice } from '../messaging/notify.js'",
    ],
  },
  certificates: {
    file: 'src/certificates/pdf.ts',
    refused: [
      "import { tick } from '../scheduler/index.js'",
      "import { buildDemoPlan } from '../demo/plan.js'",
    ],
    allowed: [
      "import type { CertificateData } from '../db/queries/training-certificates.js'",
      "import { displayName } from '../domain/names.js'",
    ],
  },
  chat: {
    file: 'src/chat/session.ts',
    refused: [
      "import { createDb } from '../db/client.js'",
      "import { createApp } from '../http/app.js'",
      "import { flows } from '../flows/index.js'",
      "import { displayName } from '../domain/names.js'",
      "import { loadConfig } from '../config.js'",
    ],
    allowed: ["import { z } from 'zod'", "import { maskPhone } from '../lib/redact.js'"],
  },
  lib: {
    file: 'src/lib/ids.ts',
    refused: [
      "import { createDb } from '../db/client.js'",
      "import type { Flow } from '../engine/types.js'",
      "import type { Effect } from '../domain/effects.js'",
      "import { loadConfig } from '../config.js'",
    ],
    allowed: ["import { randomUUID } from 'node:crypto'", "import { pino } from 'pino'"],
  },
  i18n: {
    file: 'src/i18n/index.ts',
    refused: [
      "import { createDb } from '../db/client.js'",
      "import { flows } from '../flows/index.js'",
    ],
    allowed: ["import type { Text } from '../engine/types.js'", "import i18next from 'i18next'"],
  },
}

describe.each(Object.entries(ZONES))('zone %s', (_zone, { file, refused, allowed }) => {
  test.each(refused)(`refuses %s in ${file}`, async (line) => {
    expect(await violations(file, `${line}\n`)).toEqual(['no-restricted-imports'])
  })

  test.each(allowed)(`allows %s in ${file}`, async (line) => {
    expect(await violations(file, `${line}\n`)).toEqual([])
  })
})

test('every folder of src/ has a zone, and a case here', async () => {
  const folders = readdirSync(join(REPO_ROOT, 'src'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  const configUrl = pathToFileURL(join(REPO_ROOT, 'eslint.config.js')).href
  const { default: config } = (await import(configUrl)) as { default: { name?: string }[] }
  const zoned = config
    .map((block) => /^kaderbot\/zone\/([^/]+)$/.exec(block.name ?? '')?.[1])
    .filter((name) => name !== undefined)
  expect(folders.filter((folder) => !zoned.includes(folder))).toEqual([])
  expect(folders.filter((folder) => !(folder in ZONES))).toEqual([])
})

describe('nothing imports main.ts', () => {
  test.each([
    ['src/http/app.ts', "import { main } from '../main.js'"],
    ['src/engine/run.ts', "import { main } from '../main.js'"],
    ['src/config.ts', "import { main } from './main.js'"],
    ['test/e2e/boot.test.ts', "import { main } from '../../src/main.js'"],
  ])('%s: %s', async (file, line) => {
    expect(await violations(file, `${line}\n`)).toEqual(['no-restricted-imports'])
  })

  test('main.ts itself may import every layer', async () => {
    const code = [
      "import { loadConfig } from './config.js'",
      "import { createDb } from './db/client.js'",
      "import { createApp } from './http/app.js'",
      "import { createTelegramChannel } from './channels/telegram/bot.js'",
      "import { startScheduler } from './scheduler/index.js'",
      "import { flows } from './flows/index.js'",
      'console.log(loadConfig, createDb, createApp, createTelegramChannel, startScheduler, flows)',
      'console.log(process.env.HOME)',
    ].join('\n')
    expect(await violations('src/main.ts', code)).toEqual([])
  })
})

describe('the pure core has no clock, randomness or dynamic import', () => {
  const pureFiles = ['src/engine/run.ts', 'src/flows/menu.ts', 'src/domain/indicators.ts']

  test.each(pureFiles)('%s', async (file) => {
    expect(await violations(file, 'export const now = new Date()\n')).toEqual([
      'no-restricted-syntax',
    ])
    expect(await violations(file, 'export const now = Date.now()\n')).toEqual([
      'no-restricted-syntax',
    ])
    expect(await violations(file, 'export const today = Date()\n')).toEqual([
      'no-restricted-syntax',
    ])
    expect(await violations(file, 'export const id = Math.random()\n')).toEqual([
      'no-restricted-syntax',
    ])
    expect(await violations(file, "export const load = () => import('node:fs')\n")).toEqual([
      'no-restricted-syntax',
    ])
  })

  test.each(pureFiles)('%s may still build dates from input', async (file) => {
    const code = [
      'export const epoch = new Date(0)',
      "export const parsed = new Date('2025-11-24T01:00:00Z')",
      'export const later = (now: Date) => new Date(now.getTime() + 60_000)',
      'export const when = Date.UTC(2025, 10, 24)',
    ].join('\n')
    expect(await violations(file, `${code}\n`)).toEqual([])
  })

  test('the clock is fine outside the pure core', async () => {
    expect(await violations('src/scheduler/index.ts', 'export const now = new Date()\n')).toEqual(
      []
    )
  })
})

describe('tests beside pure units', () => {
  test('may import vitest, but not I/O', async () => {
    expect(
      await violations('src/engine/parse/choice.test.ts', "import { test } from 'vitest'\n")
    ).toEqual([])
    expect(
      await violations(
        'src/engine/parse/choice.test.ts',
        "import { createDb } from '../../db/client.js'\n"
      )
    ).toEqual(['no-restricted-imports'])
    expect(await violations('src/flows/menu.test.ts', 'export const now = new Date()\n')).toEqual([
      'no-restricted-syntax',
    ])
  })
})

describe('other source rules', () => {
  test('no console in src, except main.ts and *-cli.ts', async () => {
    expect(await violations('src/http/app.ts', "console.log('x')\n")).toEqual(['no-console'])
    expect(await violations('src/main.ts', "console.log('x')\n")).toEqual([])
    expect(await violations('src/db/migrate-cli.ts', "console.log('x')\n")).toEqual([])
    expect(await violations('test/harness/db.ts', "console.log('x')\n")).toEqual([])
  })

  test('process.env is read only by src/config.ts (and main.ts)', async () => {
    const code = 'export const url = process.env.DATABASE_URL\n'
    expect(await violations('src/db/client.ts', code)).toEqual(['no-restricted-properties'])
    expect(await violations('src/config.ts', code)).toEqual([])
    expect(await violations('test/harness/db.ts', code)).toEqual([])
  })

  test('named exports only in src', async () => {
    expect(await violations('src/lib/ids.ts', 'export default function id() {}\n')).toEqual([
      'no-restricted-exports',
    ])
  })
})
