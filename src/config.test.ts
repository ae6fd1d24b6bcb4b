import { describe, expect, test } from 'vitest'
import { ConfigError, ENV_VARIABLES, hasRealChannel, loadConfig } from './config.js'

const BOT_TOKEN = '110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'
const WEBHOOK_SECRET = 'kaderbot_webhook-Secret-42'
const ADMIN_TOKEN = 'admin-token-very-secret-0123'

/** Calls loadConfig expecting it to throw, and returns the ConfigError. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('loadConfig accepted an invalid environment')
}

describe('loadConfig defaults', () => {
  test('an empty environment gives the embedded, simulator-only set-up', () => {
    expect(loadConfig({})).toEqual({
      dataDir: './data',
      port: 3000,
      logLevel: 'info',
      timeZone: 'Asia/Jakarta',
      simulatorEnabled: true,
    })
  })

  test('empty and blank strings count as unset', () => {
    const env = Object.fromEntries(ENV_VARIABLES.map((name) => [name, '']))
    expect(loadConfig(env)).toEqual(loadConfig({}))
    expect(loadConfig({ PORT: '  ', TZ_NAME: ' ' }).port).toBe(3000)
  })

  test('unknown variables are ignored', () => {
    expect(loadConfig({ HOME: '/root', PATH: '/usr/bin' })).toEqual(loadConfig({}))
  })

  test('reads every plain value into camelCase', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://kader:pw@db.internal:5432/kaderbot',
      DATA_DIR: '/data',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      TZ_NAME: 'Asia/Makassar',
      ADMIN_TOKEN,
      PUBLIC_URL: 'https://bot.example.id/',
    })
    expect(config).toEqual({
      databaseUrl: 'postgres://kader:pw@db.internal:5432/kaderbot',
      dataDir: '/data',
      port: 8080,
      logLevel: 'debug',
      timeZone: 'Asia/Makassar',
      adminToken: ADMIN_TOKEN,
      publicUrl: 'https://bot.example.id',
      simulatorEnabled: true,
    })
  })
})

describe('loadConfig single-variable rules', () => {
  test.each([
    ['abc', 'PORT must be a whole number from 1 to 65535 (got "abc")'],
    ['0', 'PORT must be a whole number from 1 to 65535 (got "0")'],
    ['65536', 'PORT must be a whole number from 1 to 65535 (got "65536")'],
    ['80.5', 'PORT must be a whole number from 1 to 65535 (got "80.5")'],
  ])('PORT=%s is refused', (port, message) => {
    expect(configError({ PORT: port }).message).toBe(`Invalid environment: ${message}`)
  })

  test('PORT accepts the bounds', () => {
    expect(loadConfig({ PORT: '1' }).port).toBe(1)
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535)
  })

  test('LOG_LEVEL must be a pino level', () => {
    expect(loadConfig({ LOG_LEVEL: 'silent' }).logLevel).toBe('silent')
    expect(configError({ LOG_LEVEL: 'verbose' }).message).toBe(
      'Invalid environment: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")'
    )
  })

  test('TZ_NAME must be a zone Intl knows, and is returned in canonical spelling', () => {
    expect(loadConfig({ TZ_NAME: 'Asia/Jayapura' }).timeZone).toBe('Asia/Jayapura')
    expect(loadConfig({ TZ_NAME: 'asia/jakarta' }).timeZone).toBe('Asia/Jakarta')
    expect(loadConfig({ TZ_NAME: 'UTC' }).timeZone).toBe('UTC')
    expect(configError({ TZ_NAME: 'Asia/Malang' }).message).toBe(
      'Invalid environment: TZ_NAME must be an IANA time zone such as Asia/Jakarta (got "Asia/Malang")'
    )
    expect(configError({ TZ_NAME: 'WIB' }).variables).toEqual(['TZ_NAME'])
  })

  test('DATABASE_URL must be a Postgres URL and is never quoted', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/kaderbot' }).databaseUrl).toBe(
      'postgresql://localhost/kaderbot'
    )
    const error = configError({ DATABASE_URL: 'mysql://root:hunter2secret@db/kaderbot' })
    expect(error.message).toBe(
      'Invalid environment: DATABASE_URL must be a postgres:// or postgresql:// URL'
    )
    expect(error.message).not.toContain('hunter2secret')
  })

  test('ADMIN_TOKEN needs 16 characters', () => {
    expect(loadConfig({ ADMIN_TOKEN: '0123456789abcdef' }).adminToken).toBe('0123456789abcdef')
    expect(configError({ ADMIN_TOKEN: 'short-secret' }).message).toBe(
      'Invalid environment: ADMIN_TOKEN must be at least 16 characters long'
    )
  })

  test.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('SIMULATOR_ENABLED=%s is read as %s', (value, expected) => {
    expect(loadConfig({ SIMULATOR_ENABLED: value }).simulatorEnabled).toBe(expected)
  })

  test('TRUSTED_PROXIES is a comma-separated list of addresses and CIDR ranges', () => {
    expect(
      loadConfig({ TRUSTED_PROXIES: '10.0.0.5, fd00::/8,::ffff:10.1.0.0/112' }).trustedProxies
    ).toEqual(['10.0.0.5', 'fd00::/8', '::ffff:10.1.0.0/112'])
    expect(loadConfig({}).trustedProxies).toBeUndefined()
    for (const value of ['10.0.0.0/33', 'proxy.internal', '10.0.0.5,,10.0.0.6', '10.0.0']) {
      const error = configError({ TRUSTED_PROXIES: value })
      expect(error.variables).toEqual(['TRUSTED_PROXIES'])
      expect(error.message).toContain('TRUSTED_PROXIES must be a comma-separated list')
    }
  })

  test('booleans refuse other words', () => {
    expect(configError({ SIMULATOR_ENABLED: 'yes' }).message).toBe(
      'Invalid environment: SIMULATOR_ENABLED must be true, false, 1 or 0 (got "yes")'
    )
    expect(configError({ WHATSAPP_ENABLED: 'on' }).message).toBe(
      'Invalid environment: WHATSAPP_ENABLED must be true, false, 1 or 0 (got "on")'
    )
  })

  test('TELEGRAM_BOT_TOKEN must have the BotFather shape', () => {
    for (const token of ['not-a-token', '12345:short', 'abc:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw']) {
      const error = configError({ TELEGRAM_BOT_TOKEN: token })
      expect(error.message).toBe(
        'Invalid environment: TELEGRAM_BOT_TOKEN must look like the token from @BotFather: <bot id digits>:<about 35 characters>'
      )
    }
  })

  test('TELEGRAM_WEBHOOK_SECRET follows Telegram’s alphabet and length', () => {
    const bad = ['has space', 'with/slash', 'x'.repeat(257)]
    for (const secret of bad) {
      expect(configError({ TELEGRAM_WEBHOOK_SECRET: secret }).message).toBe(
        'Invalid environment: TELEGRAM_WEBHOOK_SECRET must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram rule)'
      )
    }
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'x'.repeat(256) })).not.toThrow()
  })

  test('TELEGRAM_MODE is webhook or polling', () => {
    expect(configError({ TELEGRAM_MODE: 'push' }).message).toBe(
      'Invalid environment: TELEGRAM_MODE must be webhook or polling (got "push")'
    )
  })

  test('URLs must be http(s) and lose their trailing slash', () => {
    expect(configError({ PUBLIC_URL: 'bot.example.id' }).message).toBe(
      'Invalid environment: PUBLIC_URL must be an http:// or https:// URL'
    )
    expect(configError({ TELEGRAM_API_ROOT: 'ftp://x' }).variables).toEqual(['TELEGRAM_API_ROOT'])
    expect(configError({ WHATSAPP_CLOUD_API_ROOT: 'graph' }).variables).toEqual([
      'WHATSAPP_CLOUD_API_ROOT',
    ])
  })

  test('WHATSAPP_PAIRING_PHONE is normalised to E.164', () => {
    const config = loadConfig({
      WHATSAPP_ENABLED: 'true',
      WHATSAPP_PAIRING_PHONE: '+62 812-3456-7890',
    })
    expect(config.whatsapp).toEqual({ transport: 'baileys', pairingPhone: '+6281234567890' })
    expect(
      loadConfig({ WHATSAPP_ENABLED: 'true', WHATSAPP_PAIRING_PHONE: '6281234567890' }).whatsapp
    ).toEqual({ transport: 'baileys', pairingPhone: '+6281234567890' })
    const error = configError({ WHATSAPP_PAIRING_PHONE: '0812-3456-7890' })
    expect(error.message).toBe(
      'Invalid environment: WHATSAPP_PAIRING_PHONE must be an international phone number with country code, such as +6281234567890'
    )
    expect(error.message).not.toContain('0812')
  })

  test('several wrong variables are named on one line', () => {
    const error = configError({ PORT: 'x', LOG_LEVEL: 'loud' })
    expect(error.variables).toEqual(['PORT', 'LOG_LEVEL'])
    expect(error.message).toBe(
      'Invalid environment: PORT must be a whole number from 1 to 65535 (got "x"); LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'
    )
  })
})

describe('loadConfig channels and cross-field rules', () => {
  test('a Telegram token without PUBLIC_URL means polling, and no simulator', () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN })
    expect(config.telegram).toEqual({
      botToken: BOT_TOKEN,
      apiRoot: 'https://api.telegram.org',
      mode: 'polling',
    })
    expect(config.simulatorEnabled).toBe(false)
    expect(hasRealChannel(config)).toBe(true)
  })

  test('PUBLIC_URL switches Telegram to webhook mode, which needs the secret', () => {
    const error = configError({
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      PUBLIC_URL: 'https://bot.example.id',
    })
    expect(error.message).toBe(
      'Invalid environment: TELEGRAM_WEBHOOK_SECRET is required because PUBLIC_URL is set, so Telegram uses webhook mode'
    )
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      PUBLIC_URL: 'https://bot.example.id',
    })
    expect(config.telegram).toEqual({
      botToken: BOT_TOKEN,
      apiRoot: 'http://127.0.0.1:8081',
      mode: 'webhook',
      webhookSecret: WEBHOOK_SECRET,
    })
  })

  test('an explicit TELEGRAM_MODE wins over the PUBLIC_URL default', () => {
    const polling = loadConfig({
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_MODE: 'polling',
      PUBLIC_URL: 'https://bot.example.id',
    })
    expect(polling.telegram?.mode).toBe('polling')
    expect(configError({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_MODE: 'webhook' }).message).toBe(
      'Invalid environment: TELEGRAM_WEBHOOK_SECRET is required because TELEGRAM_MODE is webhook'
    )
  })

  test('without a bot token there is no telegram section, whatever the mode', () => {
    const config = loadConfig({ TELEGRAM_MODE: 'webhook', PUBLIC_URL: 'https://bot.example.id' })
    expect(config.telegram).toBeUndefined()
    expect(config.simulatorEnabled).toBe(true)
  })

  test('WHATSAPP_ENABLED starts the Baileys transport', () => {
    const config = loadConfig({ WHATSAPP_ENABLED: 'true' })
    expect(config.whatsapp).toEqual({ transport: 'baileys' })
    expect(config.simulatorEnabled).toBe(false)
    expect(loadConfig({ WHATSAPP_ENABLED: 'false' }).whatsapp).toBeUndefined()
  })

  test('the Cloud API transport needs its four settings', () => {
    const cloud = {
      WHATSAPP_CLOUD_TOKEN: 'EAAG-cloud-token-secret-value',
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_CLOUD_APP_SECRET: 'app-secret-value-1234',
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-token-value-5678',
    }
    expect(loadConfig(cloud).whatsapp).toEqual({
      transport: 'cloud',
      token: cloud.WHATSAPP_CLOUD_TOKEN,
      phoneNumberId: cloud.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
      appSecret: cloud.WHATSAPP_CLOUD_APP_SECRET,
      verifyToken: cloud.WHATSAPP_CLOUD_VERIFY_TOKEN,
      apiRoot: 'https://graph.facebook.com',
    })
    const error = configError({ WHATSAPP_CLOUD_TOKEN: cloud.WHATSAPP_CLOUD_TOKEN })
    expect(error.variables).toEqual([
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
      'WHATSAPP_CLOUD_APP_SECRET',
      'WHATSAPP_CLOUD_VERIFY_TOKEN',
    ])
    expect(error.message).toContain(
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID is required because WHATSAPP_CLOUD_TOKEN is set'
    )
  })

  test('only one WhatsApp transport may be configured', () => {
    const error = configError({
      WHATSAPP_ENABLED: 'true',
      WHATSAPP_CLOUD_TOKEN: 'EAAG-cloud-token-secret-value',
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_CLOUD_APP_SECRET: 'app-secret-value-1234',
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-token-value-5678',
    })
    expect(error.message).toBe(
      'Invalid environment: WHATSAPP_ENABLED must not be true while WHATSAPP_CLOUD_TOKEN is set: configure only one WhatsApp transport (Baileys or the Cloud API)'
    )
  })

  test('SIMULATOR_ENABLED overrides the default in both directions', () => {
    expect(loadConfig({ SIMULATOR_ENABLED: 'false' }).simulatorEnabled).toBe(false)
    expect(
      loadConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, SIMULATOR_ENABLED: 'true' }).simulatorEnabled
    ).toBe(true)
  })
})

describe('ConfigError', () => {
  test('is typed, named, and one line', () => {
    const error = configError({ PORT: 'abc\nINJECTED' })
    expect(error.name).toBe('ConfigError')
    expect(error.code).toBe('CONFIG_INVALID')
    expect(error.message).toBe(
      'Invalid environment: PORT must be a whole number from 1 to 65535 (got "abc\\nINJECTED")'
    )
    expect(error.message).not.toContain('\n')
  })

  test('never repeats a secret value', () => {
    const secrets = {
      DATABASE_URL: 'http://kader:s3cr3t-db-password@db/x',
      ADMIN_TOKEN: 'tooShortAdm1n',
      TELEGRAM_BOT_TOKEN: '123:leakedTelegramToken',
      TELEGRAM_WEBHOOK_SECRET: 'leaked webhook secret',
      PUBLIC_URL: 'https://user:public-url-password@[bad',
      WHATSAPP_PAIRING_PHONE: 'leaked-pairing-phone',
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: 'leaked-phone-id',
    }
    const error = configError(secrets)
    expect(error.variables).toEqual(Object.keys(secrets))
    for (const value of Object.values(secrets)) {
      expect(error.message).not.toContain(value)
    }
    for (const fragment of ['s3cr3t', 'tooShort', 'leaked', 'password']) {
      expect(error.message).not.toContain(fragment)
    }
    expect(error.message.split('\n')).toHaveLength(1)
  })

  test('long harmless values are cut when quoted', () => {
    const error = configError({ LOG_LEVEL: 'x'.repeat(100) })
    expect(error.message).toBe(
      `Invalid environment: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${'x'.repeat(40)}…")`
    )
  })
})

describe('database timeouts', () => {
  test('are read in milliseconds, and left to the db layer when unset', () => {
    expect(loadConfig({ DB_CONNECT_TIMEOUT_MS: '2000', DB_STATEMENT_TIMEOUT_MS: '800' })).toEqual({
      ...loadConfig({}),
      dbConnectTimeoutMs: 2000,
      dbStatementTimeoutMs: 800,
    })
    expect(loadConfig({}).dbStatementTimeoutMs).toBeUndefined()
  })

  test('a value out of range names the variable and its rule', () => {
    expect(configError({ DB_STATEMENT_TIMEOUT_MS: '5' }).message).toBe(
      'Invalid environment: DB_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000 (got "5")'
    )
    expect(configError({ DB_CONNECT_TIMEOUT_MS: '1.5s' }).message).toContain(
      'DB_CONNECT_TIMEOUT_MS must be a whole number of milliseconds'
    )
  })
})
