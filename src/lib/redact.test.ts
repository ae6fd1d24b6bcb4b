import { describe, expect, test } from 'vitest'
import {
  REDACTED,
  REDACTED_FIELDS,
  maskPhone,
  scrubErrorText,
  scrubErrorValues,
  scrubSqlLiterals,
} from './redact.js'

describe('maskPhone', () => {
  test.each([
    ['+6281234567890', '+62812****7890'],
    ['+628123456789012', '+62812****9012'],
    ['081234567890', '08123****7890'],
    ['+62 812-3456-7890', '+62812****7890'],
    ['1234567', '****67'],
    ['12', '****'],
    ['', '****'],
    ['not a phone', '****'],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked)
  })

  test('never reveals the middle digits', () => {
    expect(maskPhone('+6281299998888')).not.toContain('9999')
  })
})

describe('REDACTED_FIELDS', () => {
  test('lists the personal-data and secret fields of docs/design.md P11', () => {
    for (const field of [
      'name',
      'nama',
      'phone',
      'telepon',
      'text',
      'caption',
      'first_name',
      'last_name',
      'username',
      'contact',
      'location',
      'lat',
      'lng',
      'answers',
      'token',
      'secret',
      'authorization',
      'cookie',
      'password',
      'databaseUrl',
    ]) {
      expect(REDACTED_FIELDS).toContain(field)
    }
    expect(new Set(REDACTED_FIELDS).size).toBe(REDACTED_FIELDS.length)
  })
})

describe('scrubbing query values out of errors', () => {
  test.each([
    [
      'Failed query: select 1\nparams: Siti,+6281234567890',
      `Failed query: select 1\nparams: ${REDACTED}`,
    ],
    [
      "Failed query: select * from people where name = 'Siti' limit $1\nparams: 5",
      `Failed query: select * from people where name = '${REDACTED}' limit $1\nparams: ${REDACTED}`,
    ],
    [
      'invalid input syntax for type integer: "Siti"',
      `invalid input syntax for type integer: "${REDACTED}"`,
    ],
    [
      'invalid input value for enum role: "kepala"',
      `invalid input value for enum role: "${REDACTED}"`,
    ],
    ['Key (phone)=(+6281234567890) already exists.', `Key (phone)=(${REDACTED}) already exists.`],
    ['relation "people" does not exist', 'relation "people" does not exist'],
  ])('%s', (text, scrubbed) => {
    expect(scrubErrorText(text)).toBe(scrubbed)
  })

  test("SQL literals go, with their '' escapes; placeholders and identifiers stay", () => {
    expect(scrubSqlLiterals(`select "name" from people where note = 'it''s' and id = $1`)).toBe(
      `select "name" from people where note = '${REDACTED}' and id = $1`
    )
  })

  test('value fields are replaced at any depth, other fields are kept', () => {
    expect(
      scrubErrorValues({
        code: '22021',
        params: ['Siti'],
        cause: { detail: 'Key (nik)=(3507)', parameters: ['x'], args: ['y'], routine: 'r' },
        query: "select 'Siti'",
      })
    ).toEqual({
      code: '22021',
      params: REDACTED,
      cause: { detail: REDACTED, parameters: REDACTED, args: REDACTED, routine: 'r' },
      query: `select '${REDACTED}'`,
    })
  })
})
