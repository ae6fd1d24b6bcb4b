/**
 * The world of the crash tests: cadres with Telegram identities and consent, the first `reporters`
 * of them with a family to report a visit on, and the environment a deployment sets to run the
 * real server in Telegram webhook mode against the fake Bot API.
 * @module
 */
import { type SeededPerson, seedFamilies, seedPeople } from '../../../bench/seed.js'
import { sql } from 'drizzle-orm'
import type { DbOrTx } from '../../../src/db/client.js'
import { rowsOf } from '../../../src/db/raw.js'
import type { FakeTelegram } from '../../harness/fake-telegram.js'

export type CrashWorld = {
  /** Everyone seeded, reporters first. */
  cadres: SeededPerson[]
  /** The cadres who type a visit report during the test. */
  reporters: SeededPerson[]
}

/** Seeds `reporters + listeners` cadres (kader role, Telegram ids from `telegramBase`). */
export async function seedCrashWorld(
  db: DbOrTx,
  params: { reporters: number; listeners: number; telegramBase: number; now: Date }
): Promise<CrashWorld> {
  const cadres = await seedPeople(db, {
    count: params.reporters + params.listeners,
    role: 'kader',
    telegramBase: params.telegramBase,
    now: params.now,
  })
  const reporters = cadres.slice(0, params.reporters)
  await seedFamilies(db, reporters, params.now)
  return { cadres, reporters }
}

/** The environment of one server process: webhook mode against `fake`, Telegram calling `publicUrl`. */
export function telegramWebhookEnv(params: {
  dataDir: string
  databaseUrl?: string
  fake: FakeTelegram
  secret: string
  publicUrl: string
  logLevel?: string
  extra?: Record<string, string>
}): Record<string, string> {
  return {
    DATA_DIR: params.dataDir,
    ...(params.databaseUrl ? { DATABASE_URL: params.databaseUrl } : {}),
    LOG_LEVEL: params.logLevel ?? 'warn',
    TZ_NAME: 'Asia/Jakarta',
    TELEGRAM_BOT_TOKEN: params.fake.token,
    TELEGRAM_API_ROOT: params.fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: params.secret,
    TELEGRAM_MODE: 'webhook',
    PUBLIC_URL: params.publicUrl,
    ...params.extra,
  }
}

type Row = Record<string, unknown>

/** What the database kept after a run that was killed: stored updates, visits per cadre, unsent rows. */
export type KeptAfterKill = { inboundIds: string[]; visitsPerCadre: Row[]; unsent: number }

/** Reads what a crash or takeover test verifies (one query each, on a fresh connection). */
export async function readKeptAfterKill(db: DbOrTx): Promise<KeptAfterKill> {
  const inboundIds = rowsOf<Row>(
    await db.execute(sql`select external_id from inbound_messages where channel = 'telegram'`)
  ).map((row) => String(row['external_id']))
  const visitsPerCadre = rowsOf<Row>(
    await db.execute(sql`select cadre_id, count(*)::int as n from visits group by cadre_id`)
  )
  const unsent = Number(
    rowsOf<Row>(
      await db.execute(sql`select count(*)::int as n from outbox where status <> 'sent'`)
    )[0]!['n']
  )
  return { inboundIds, visitsPerCadre, unsent }
}
