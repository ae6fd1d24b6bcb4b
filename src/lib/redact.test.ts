import { describe, expect, test } from 'vitest'
import { maskPhone, REDACTED_FIELDS } from './redact.js'

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
  test('lists the personal-data and secret fields of DESIGN P11', () => {
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
