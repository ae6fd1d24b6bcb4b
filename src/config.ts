/**
 * The application's configuration, read from environment variables (docs/design.md#contracts) and
 * validated with zod at start-up. This is the only module that reads `process.env`; everything
 * else receives the typed `Config` it returns. A wrong value stops start-up with one line that
 * names the variable and says what is wrong, without ever repeating a secret.
 * @module
 */
import { z } from 'zod'
import { isAddressOrRange } from './lib/ip-ranges.js'
import { DEFAULT_TIME_ZONE } from './domain/dates.js'

/** The logger levels pino knows, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** A pino log level name accepted in `LOG_LEVEL`. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The shape of a Bot API token from @BotFather: the bot's numeric id, a colon, then about 35 characters. */
export const TELEGRAM_BOT_TOKEN_PATTERN = /^[0-9]+:[A-Za-z0-9_-]{30,}$/

/** What Telegram accepts as `secret_token` in `setWebhook`: 1 to 256 of A-Z, a-z, 0-9, `_` and `-`. */
export const TELEGRAM_WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/

/** Whether `name` is a time zone this Node's Intl knows (IANA names and `UTC`). */
export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** Drops the trailing slashes of a base URL, so callers can append `/path` safely. */
function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

const httpUrl = z.url({ protocol: /^https?$/ }).transform(withoutTrailingSlash)

/** A whole number of days, 1 to 3650 (a retention period). */
const wholeDays = z
  .string()
  .regex(/^[0-9]+$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(3650))

const booleanFlag = z
  .string()
  .regex(/^(true|false|1|0)$/i)
  .transform((value) => value === '1' || value.toLowerCase() === 'true')

/** A whole number of milliseconds within `[min, max]`. */
function milliseconds(min: number, max: number) {
  return z
    .string()
    .regex(/^[0-9]+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
}

/**
 * One environment variable: its zod rule (it receives `undefined` for an unset or blank value),
 * the phrase that says what a valid value is (used for every issue on it), and whether a rejected
 * value may be quoted back in the error: only where it is no secret and cannot carry credentials
 * (URLs never are: `postgres://user:password@…`).
 */
type Variable = { schema: z.ZodType; requirement: string; quotable?: true }

/**
 * Every environment variable the application reads, each named once, in the order of
 * docs/operations/configuration.md (a test checks that table against this one).
 */
const VARIABLES = {
  DATABASE_URL: {
    schema: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    requirement: 'must be a postgres:// or postgresql:// URL',
  },
  DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    requirement: 'must be a directory path',
    quotable: true,
  },
  DB_CONNECT_TIMEOUT_MS: {
    schema: milliseconds(100, 60_000).optional(),
    requirement: 'must be a whole number of milliseconds from 100 to 60000',
    quotable: true,
  },
  DB_STATEMENT_TIMEOUT_MS: {
    schema: milliseconds(100, 600_000).optional(),
    requirement: 'must be a whole number of milliseconds from 100 to 600000',
    quotable: true,
  },
  PORT: {
    schema: z
      .string()
      .regex(/^[0-9]+$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(65535))
      .default(3000),
    requirement: 'must be a whole number from 1 to 65535',
    quotable: true,
  },
  LOG_LEVEL: {
    schema: z.enum(LOG_LEVELS).default('info'),
    requirement: `must be one of ${LOG_LEVELS.join(', ')}`,
    quotable: true,
  },
  TZ_NAME: {
    schema: z
      .string()
      .refine(isValidTimeZone)
      .transform(
        (name) => new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
      )
      .default(DEFAULT_TIME_ZONE),
    requirement: `must be an IANA time zone such as ${DEFAULT_TIME_ZONE}`,
    quotable: true,
  },
  ADMIN_TOKEN: {
    schema: z.string().min(16).optional(),
    requirement: 'must be at least 16 characters long',
  },
  TRUSTED_PROXIES: {
    schema: z
      .string()
      .transform((list) => list.split(',').map((entry) => entry.trim()))
      .pipe(z.array(z.string().refine(isAddressOrRange)))
      .default([]),
    requirement:
      'must be a comma-separated list of IP addresses or CIDR ranges, such as 10.0.0.5,fd00::/8',
  },
  HELP_CONTACT: {
    schema: z.string().trim().min(1).max(200).optional(),
    requirement: 'must be at most 200 characters',
  },
  RETENTION_INBOUND_TEXT_DAYS: {
    schema: wholeDays.optional(),
    requirement: 'must be a whole number of days from 1 to 3650',
    quotable: true,
  },
  RETENTION_OUTBOX_SENT_DAYS: {
    schema: wholeDays.optional(),
    requirement: 'must be a whole number of days from 1 to 3650',
    quotable: true,
  },
  SIMULATOR_ENABLED: {
    schema: booleanFlag.optional(),
    requirement: 'must be true, false, 1 or 0',
    quotable: true,
  },
  TELEGRAM_BOT_TOKEN: {
    schema: z.string().regex(TELEGRAM_BOT_TOKEN_PATTERN).optional(),
    requirement: 'must look like the token from @BotFather: <bot id digits>:<about 35 characters>',
  },
  TELEGRAM_API_ROOT: {
    schema: httpUrl.default('https://api.telegram.org'),
    requirement: 'must be an http:// or https:// URL',
  },
  TELEGRAM_WEBHOOK_SECRET: {
    schema: z.string().regex(TELEGRAM_WEBHOOK_SECRET_PATTERN).optional(),
    requirement: 'must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram rule)',
  },
  TELEGRAM_MODE: {
    schema: z.enum(['webhook', 'polling']).optional(),
    requirement: 'must be webhook or polling',
    quotable: true,
  },
  PUBLIC_URL: {
    schema: httpUrl.optional(),
    requirement: 'must be an http:// or https:// URL',
  },
  WHATSAPP_ENABLED: {
    schema: booleanFlag.default(false),
    requirement: 'must be true, false, 1 or 0',
    quotable: true,
  },
  WHATSAPP_PAIRING_PHONE: {
    schema: z
      .string()
      .regex(/^\+?[1-9][0-9 .-]{6,20}$/)
      .transform((phone) => `+${phone.replace(/[^0-9]/g, '')}`)
      .pipe(z.string().regex(/^\+[1-9][0-9]{7,14}$/))
      .optional(),
    requirement: 'must be an international phone number with country code, such as +6281234567890',
  },
  WHATSAPP_CLOUD_TOKEN: {
    schema: z.string().min(1).optional(),
    requirement: 'must not be empty',
  },
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: {
    schema: z
      .string()
      .regex(/^[0-9]+$/)
      .optional(),
    requirement: 'must be the numeric phone number id from the Meta dashboard',
  },
  WHATSAPP_CLOUD_APP_SECRET: {
    schema: z.string().min(1).optional(),
    requirement: 'must not be empty',
  },
  WHATSAPP_CLOUD_VERIFY_TOKEN: {
    schema: z.string().min(1).optional(),
    requirement: 'must not be empty',
  },
  WHATSAPP_CLOUD_API_ROOT: {
    schema: httpUrl.default('https://graph.facebook.com'),
    requirement: 'must be an http:// or https:// URL',
  },
} satisfies Record<string, Variable>

/** The name of one environment variable the application reads. */
export type EnvVariable = keyof typeof VARIABLES

/** Every environment variable the application reads, in the table's order. */
export const ENV_VARIABLES = Object.keys(VARIABLES) as readonly EnvVariable[]

/** The raw variables, one schema each; empty strings were turned into `undefined` before this. */
const envSchema = z.object(
  Object.fromEntries(ENV_VARIABLES.map((name) => [name, VARIABLES[name].schema])) as {
    [Name in EnvVariable]: (typeof VARIABLES)[Name]['schema']
  }
)

type Env = z.infer<typeof envSchema>

/** The Telegram channel, present in `Config` only when `TELEGRAM_BOT_TOKEN` is set. */
export type TelegramConfig = {
  botToken: string
  /** Bot API root without a trailing slash (grammY `client.apiRoot`). */
  apiRoot: string
} & ({ mode: 'webhook'; webhookSecret: string } | { mode: 'polling'; webhookSecret?: string })

/** WhatsApp through a Baileys socket (`WHATSAPP_ENABLED=true`). */
export type WhatsAppBaileysConfig = {
  transport: 'baileys'
  /** Pair by code for this number (E.164, `+62…`) instead of showing a QR code. */
  pairingPhone?: string
}

/** WhatsApp through the official Cloud API (`WHATSAPP_CLOUD_TOKEN` set). */
export type WhatsAppCloudConfig = {
  transport: 'cloud'
  token: string
  phoneNumberId: string
  /** Checks `X-Hub-Signature-256` on `POST /webhook/whatsapp`. */
  appSecret: string
  /** Answers the `hub.verify_token` challenge on `GET /webhook/whatsapp`. */
  verifyToken: string
  /** Graph API root without a trailing slash. */
  apiRoot: string
}

/** The validated, camelCase configuration every other module receives from `main.ts`. */
export type Config = {
  /** Postgres URL; undefined means embedded PGlite under `dataDir`. */
  databaseUrl?: string
  dataDir: string
  /** PostgreSQL connect timeout (`DB_CONNECT_TIMEOUT_MS`); unset: `src/db/client.ts`'s default. */
  dbConnectTimeoutMs?: number
  /** PostgreSQL statement timeout (`DB_STATEMENT_TIMEOUT_MS`); unset: the db layer's default. */
  dbStatementTimeoutMs?: number
  port: number
  logLevel: LogLevel
  /** IANA zone of schedules and texts (`TZ_NAME`), canonical spelling. */
  timeZone: string
  /** Bearer token for `/api/v1`; undefined keeps the API closed (the simulator: loopback only). */
  adminToken?: string
  /**
   * Reverse proxies (addresses, CIDR ranges) whose `X-Forwarded-For` names the client for the
   * failure limits; unset (the default): the connection's peer is the client.
   */
  trustedProxies?: string[]
  /** The programme's human help line, shown by BANTUAN to people without a supervisor. */
  helpContact?: string
  /** Days the text people typed is kept before the daily job redacts it; unset: 90. */
  retentionInboundTextDays?: number
  /** Days sent, failed and skipped outbox rows are kept before the daily job drops them; unset: 30. */
  retentionOutboxSentDays?: number
  /** `SIMULATOR_ENABLED` if given, else true exactly when no real channel is configured. */
  simulatorEnabled: boolean
  /** Public base URL without a trailing slash; set means `setWebhook` at start in webhook mode. */
  publicUrl?: string
  telegram?: TelegramConfig
  /** At most one WhatsApp transport. */
  whatsapp?: WhatsAppBaileysConfig | WhatsAppCloudConfig
}

/** Adds a cross-field issue; its message is complete and never quotes a value. */
function addRuleIssue(ctx: z.RefinementCtx<Env>, variable: EnvVariable, message: string): void {
  ctx.addIssue({ code: 'custom', path: [variable], message, params: { rule: true } })
}

function telegramMode(env: Env): 'webhook' | 'polling' {
  return env.TELEGRAM_MODE ?? (env.PUBLIC_URL === undefined ? 'polling' : 'webhook')
}

function toConfig(env: Env): Config {
  const config: Config = {
    dataDir: env.DATA_DIR,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    timeZone: env.TZ_NAME,
    simulatorEnabled: false,
  }
  if (env.TRUSTED_PROXIES.length > 0) config.trustedProxies = env.TRUSTED_PROXIES
  if (env.DATABASE_URL !== undefined) config.databaseUrl = env.DATABASE_URL
  if (env.DB_CONNECT_TIMEOUT_MS !== undefined) config.dbConnectTimeoutMs = env.DB_CONNECT_TIMEOUT_MS
  if (env.DB_STATEMENT_TIMEOUT_MS !== undefined) {
    config.dbStatementTimeoutMs = env.DB_STATEMENT_TIMEOUT_MS
  }
  if (env.ADMIN_TOKEN !== undefined) config.adminToken = env.ADMIN_TOKEN
  if (env.HELP_CONTACT !== undefined) config.helpContact = env.HELP_CONTACT
  if (env.RETENTION_INBOUND_TEXT_DAYS !== undefined) {
    config.retentionInboundTextDays = env.RETENTION_INBOUND_TEXT_DAYS
  }
  if (env.RETENTION_OUTBOX_SENT_DAYS !== undefined) {
    config.retentionOutboxSentDays = env.RETENTION_OUTBOX_SENT_DAYS
  }
  if (env.PUBLIC_URL !== undefined) config.publicUrl = env.PUBLIC_URL

  if (env.TELEGRAM_BOT_TOKEN !== undefined) {
    const base = { botToken: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_ROOT }
    const secret = env.TELEGRAM_WEBHOOK_SECRET
    if (telegramMode(env) === 'webhook') {
      // superRefine guarantees the secret in webhook mode.
      config.telegram = { ...base, mode: 'webhook', webhookSecret: secret ?? '' }
    } else {
      config.telegram =
        secret === undefined
          ? { ...base, mode: 'polling' }
          : { ...base, mode: 'polling', webhookSecret: secret }
    }
  }

  if (env.WHATSAPP_CLOUD_TOKEN !== undefined) {
    config.whatsapp = {
      transport: 'cloud',
      token: env.WHATSAPP_CLOUD_TOKEN,
      // superRefine guarantees these three when the token is set.
      phoneNumberId: env.WHATSAPP_CLOUD_PHONE_NUMBER_ID ?? '',
      appSecret: env.WHATSAPP_CLOUD_APP_SECRET ?? '',
      verifyToken: env.WHATSAPP_CLOUD_VERIFY_TOKEN ?? '',
      apiRoot: env.WHATSAPP_CLOUD_API_ROOT,
    }
  } else if (env.WHATSAPP_ENABLED) {
    config.whatsapp =
      env.WHATSAPP_PAIRING_PHONE === undefined
        ? { transport: 'baileys' }
        : { transport: 'baileys', pairingPhone: env.WHATSAPP_PAIRING_PHONE }
  }

  config.simulatorEnabled = env.SIMULATOR_ENABLED ?? !hasRealChannel(config)
  return config
}

/** Turns blank values into `undefined`, so `FOO=` in a .env file means "unset". */
function blankToUndefined(env: unknown): unknown {
  if (typeof env !== 'object' || env === null) return env
  const cleaned: Record<string, string | undefined> = {}
  for (const name of ENV_VARIABLES) {
    const value: unknown = (env as Record<string, unknown>)[name]
    cleaned[name] = typeof value === 'string' && value.trim() !== '' ? value : undefined
  }
  return cleaned
}

/**
 * The environment (a `process.env`-like record) → `Config`: per-variable rules, defaults, then the
 * cross-field rules (webhook secret, one WhatsApp transport, complete Cloud API settings).
 */
export const configSchema = z.preprocess(
  blankToUndefined,
  envSchema
    .superRefine((env, ctx) => {
      if (env.TELEGRAM_BOT_TOKEN !== undefined && telegramMode(env) === 'webhook') {
        if (env.TELEGRAM_WEBHOOK_SECRET === undefined) {
          const why =
            env.TELEGRAM_MODE === undefined
              ? 'PUBLIC_URL is set, so Telegram uses webhook mode'
              : 'TELEGRAM_MODE is webhook'
          addRuleIssue(ctx, 'TELEGRAM_WEBHOOK_SECRET', `is required because ${why}`)
        }
      }
      if (env.WHATSAPP_CLOUD_TOKEN !== undefined) {
        if (env.WHATSAPP_ENABLED) {
          addRuleIssue(
            ctx,
            'WHATSAPP_ENABLED',
            'must not be true while WHATSAPP_CLOUD_TOKEN is set: configure only one WhatsApp transport (Baileys or the Cloud API)'
          )
        }
        const needed = [
          'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
          'WHATSAPP_CLOUD_APP_SECRET',
          'WHATSAPP_CLOUD_VERIFY_TOKEN',
        ] as const
        for (const variable of needed) {
          if (env[variable] === undefined) {
            addRuleIssue(ctx, variable, 'is required because WHATSAPP_CLOUD_TOKEN is set')
          }
        }
      }
    })
    .transform(toConfig)
)

/** Thrown by `loadConfig` when the environment is invalid; the message is one line, secret-free. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const
  /** The variables that were rejected, in the order of the message. */
  readonly variables: EnvVariable[]

  constructor(message: string, variables: EnvVariable[]) {
    super(message)
    this.name = 'ConfigError'
    this.variables = variables
  }
}

/** Quotes a rejected value for the message: JSON-escaped (stays one line) and cut to 40 chars. */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
}

function isEnvVariable(key: unknown): key is EnvVariable {
  return typeof key === 'string' && (ENV_VARIABLES as readonly string[]).includes(key)
}

/** Builds the one-line message: `Invalid environment: PORT must be … (got "abc"); TZ_NAME …`. */
function describeIssues(
  issues: z.core.$ZodIssue[],
  env: Record<string, string | undefined>
): { message: string; variables: EnvVariable[] } {
  const parts: string[] = []
  const variables: EnvVariable[] = []
  for (const issue of issues) {
    const variable = issue.path[0]
    if (!isEnvVariable(variable)) {
      parts.push(issue.message.replace(/\s+/g, ' '))
      continue
    }
    if (variables.includes(variable)) continue // one phrase per variable is enough
    variables.push(variable)
    const isRule = issue.code === 'custom' && issue.params?.['rule'] === true
    if (isRule) {
      parts.push(`${variable} ${issue.message}`)
      continue
    }
    const raw = env[variable]
    const got = 'quotable' in VARIABLES[variable] && raw !== undefined ? ` (got ${quote(raw)})` : ''
    parts.push(`${variable} ${VARIABLES[variable].requirement}${got}`)
  }
  return { message: `Invalid environment: ${parts.join('; ')}`, variables }
}

/**
 * Reads and validates the environment; the only reader of `process.env` in the application.
 * Throws `ConfigError` with a one-line message naming each wrong variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env)
  if (result.success) return result.data
  const { message, variables } = describeIssues(result.error.issues, env)
  throw new ConfigError(message, variables)
}

/** Whether a real messenger (Telegram or WhatsApp) is configured, as opposed to the simulator only. */
export function hasRealChannel(config: Pick<Config, 'telegram' | 'whatsapp'>): boolean {
  return config.telegram !== undefined || config.whatsapp !== undefined
}
