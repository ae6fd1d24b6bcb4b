import { describe, expect, test } from 'vitest'
import { buildRedactPaths, createLogger, REDACT_DEPTH } from './logger.js'
import type { Logger } from './logger.js'
import { REDACTED, REDACTED_FIELDS } from './redact.js'

const PHONE = '+6281234567890'
const NAME = 'Siti Aminah'
const TEXT = 'anak saya demam tiga hari'

/** A logger writing into an array, so tests can read every line it produced. */
function memoryLogger(level = 'trace'): { log: Logger; lines: () => string[] } {
  const written: string[] = []
  const log = createLogger({ level, destination: { write: (line: string) => written.push(line) } })
  return { log, lines: () => written.join('').trim().split('\n').filter(Boolean) }
}

/** Everything the logger wrote, as one string to search for leaks. */
function output(lines: string[]): string {
  return lines.join('\n')
}

describe('createLogger', () => {
  test('writes JSON lines with level, ISO time and message', () => {
    const { log, lines } = memoryLogger('info')
    log.info({ personId: 'p-1', flowId: 'visit-report' }, 'flow started')
    log.debug('not written at info')
    expect(lines()).toHaveLength(1)
    const line = JSON.parse(lines()[0] ?? '') as Record<string, unknown>
    expect(line).toMatchObject({
      level: 30,
      personId: 'p-1',
      flowId: 'visit-report',
      msg: 'flow started',
    })
    expect(line['time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  })

  test('censors personal fields at the root and 1 to 3 levels deep', () => {
    const { log, lines } = memoryLogger()
    log.info({ name: NAME, phone: PHONE, text: TEXT })
    log.info({ person: { nama: NAME, telepon: PHONE } })
    log.info({ inbound: { content: { text: TEXT, caption: TEXT } } })
    log.info({ a: { b: { c: { phone: PHONE, name: NAME } } } })
    const all = output(lines())
    for (const value of [PHONE, NAME, TEXT]) expect(all).not.toContain(value)
    expect(JSON.parse(lines()[3] ?? '')).toMatchObject({
      a: { b: { c: { phone: REDACTED, name: REDACTED } } },
    })
  })

  test(`censors down to ${REDACT_DEPTH} levels, and documents that deeper keys are not`, () => {
    const { log, lines } = memoryLogger()
    log.info({ l1: { l2: { l3: { l4: { phone: PHONE } } } } })
    log.info({ l1: { l2: { l3: { l4: { l5: { phone: 'deeper-than-covered' } } } } } })
    expect(lines()[0]).not.toContain(PHONE)
    expect(lines()[1]).toContain('deeper-than-covered')
  })

  test('censors inside arrays', () => {
    const { log, lines } = memoryLogger()
    log.info({ recipients: [{ phone: PHONE }, { phone: '+6285700001111' }] })
    expect(lines()[0]).not.toContain(PHONE)
    expect(lines()[0]).not.toContain('+6285700001111')
  })

  test('censors a whole Telegram update as logged by a careless handler', () => {
    const { log, lines } = memoryLogger()
    log.warn(
      {
        update: {
          update_id: 10001,
          message: {
            message_id: 5,
            from: { id: 42, first_name: 'Siti', last_name: 'Aminah', username: 'siti_a' },
            chat: { id: 42, type: 'private', first_name: 'Siti' },
            contact: { phone_number: '6281234567890', first_name: 'Siti' },
            location: { latitude: -7.98, longitude: 112.63 },
            text: TEXT,
          },
        },
      },
      'unexpected update'
    )
    const line = lines()[0] ?? ''
    for (const value of ['Siti', 'Aminah', 'siti_a', '6281234567890', '-7.98', '112.63', TEXT]) {
      expect(line).not.toContain(value)
    }
    expect(line).toContain('10001')
  })

  test('censors secrets and request headers', () => {
    const { log, lines } = memoryLogger()
    log.info({
      req: {
        method: 'POST',
        url: '/webhook/telegram',
        headers: {
          authorization: 'Bearer admin-secret-token',
          cookie: 'session=cookie-secret',
          'x-telegram-bot-api-secret-token': 'telegram-header-secret',
        },
      },
      config: { databaseUrl: 'postgres://u:db-password@h/db', telegram: { botToken: '1:bot' } },
      payload: { text: TEXT },
      answers: { members: 4, note: TEXT },
    })
    const line = lines()[0] ?? ''
    for (const value of [
      'admin-secret-token',
      'cookie-secret',
      'telegram-header-secret',
      'db-password',
      '1:bot',
      TEXT,
    ]) {
      expect(line).not.toContain(value)
    }
    expect(line).toContain('/webhook/telegram')
  })

  test('censors child bindings too', () => {
    const { log, lines } = memoryLogger()
    log.child({ phone: PHONE, personId: 'p-9' }).info('bound')
    expect(lines()[0]).not.toContain(PHONE)
    expect(lines()[0]).toContain('p-9')
  })

  test('censors personal fields an error carries, but not its message (caller’s responsibility)', () => {
    const { log, lines } = memoryLogger()
    class DeliveryError extends Error {
      readonly code = 'DELIVERY' as const
      readonly phone: string
      constructor(message: string, phone: string) {
        super(message)
        this.name = 'DeliveryError'
        this.phone = phone
      }
    }
    log.error({ err: new DeliveryError('chat not found', PHONE) }, 'send failed')
    log.error({ err: new Error(`could not reach ${PHONE}`) }, 'bad practice')
    const [first, second] = lines()
    expect(first).not.toContain(PHONE)
    expect(JSON.parse(first ?? '')).toMatchObject({
      err: { type: 'DeliveryError', code: 'DELIVERY', message: 'chat not found' },
    })
    // Documented limit: pino cannot know that an error message contains a phone number.
    expect(second).toContain(PHONE)
  })

  test('removes the bound parameters of a failed query from logged errors', () => {
    const { log, lines } = memoryLogger()
    const error = new Error(
      'Failed query: insert into "people" ("name", "phone") values ($1, $2)\nparams: Siti Aminah,+6281234567890'
    )
    log.error({ err: new Error('wrapped', { cause: error }) }, 'insert failed')
    log.error({ err: error }, 'insert failed')
    const text = output(lines())
    expect(text).toContain('Failed query: insert into')
    expect(text).not.toContain('Siti')
    expect(text).not.toContain('6281234567890')
  })

  test('keeps no value of a failed query: params, postgres.js fields, SQL literals, details', () => {
    const { log, lines } = memoryLogger('debug')
    // Shaped like drizzle's DrizzleQueryError around a postgres.js PostgresError (debug mode).
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), {
      name: 'PostgresError',
      code: '23505',
      detail: `Key (phone)=(${PHONE}) already exists.`,
      query: `select * from people where name = '${NAME}' and note = 'it''s ${TEXT}'`,
      parameters: [NAME, PHONE],
      args: [NAME],
    })
    const failed = Object.assign(
      new Error(
        `Failed query: select * from people where name = '${NAME}' and id = $1\nparams: ${NAME},${PHONE}`,
        { cause }
      ),
      {
        name: 'DrizzleQueryError',
        query: 'select * from people where name = $1',
        params: [NAME, PHONE],
      }
    )
    log.error({ err: failed, path: '/admin/orang' }, 'dashboard request failed')
    log.error({ err: cause }, 'query failed')
    log.error({ error: failed }, 'logged under error')
    log.warn({ error: `invalid input syntax for type integer: "${NAME}"` }, 'described')
    log.debug({ err: { detail: `Key (nik)=(${PHONE})`, nested: { params: [TEXT] } } }, 'plain')
    const text = output(lines())
    for (const value of [NAME, 'Siti', PHONE, '6281234567890', TEXT, 'demam']) {
      expect(text).not.toContain(value)
    }
    const [first, second] = lines().map(
      (line) => JSON.parse(line) as { err: Record<string, unknown> }
    )
    expect(first?.err).toMatchObject({
      query: 'select * from people where name = $1',
      params: REDACTED,
    })
    expect(String(first?.err['message'])).toContain(`where name = '${REDACTED}' and id = $1`)
    expect(second?.err).toMatchObject({
      code: '23505',
      detail: REDACTED,
      parameters: REDACTED,
      args: REDACTED,
      query: `select * from people where name = '${REDACTED}' and note = '${REDACTED}'`,
    })
  })

  test('refuses an unknown level', () => {
    expect(() => createLogger({ level: 'loud', destination: { write: () => undefined } })).toThrow()
  })
})

describe('buildRedactPaths', () => {
  test('covers every field at the root and each wildcard depth', () => {
    const paths = buildRedactPaths()
    expect(paths).toContain('phone')
    expect(paths).toContain('*.phone')
    expect(paths).toContain('*.*.*.*.phone')
    expect(paths).not.toContain('*.*.*.*.*.phone')
    expect(paths).toContain('*["set-cookie"]')
    expect(paths).toContain('req.headers.authorization')
    expect(paths.length).toBe(REDACTED_FIELDS.length * (REDACT_DEPTH + 1) + 3)
  })
})
