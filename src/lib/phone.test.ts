import { describe, expect, test } from 'vitest'
import { normalizePhone } from './phone.js'

describe('normalizePhone', () => {
  test.each([
    ['0812-3456-7890', '+6281234567890'],
    ['0812 3456 7890', '+6281234567890'],
    ['081234567890', '+6281234567890'],
    ['0812.3456.7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['62 812 3456 7890', '+6281234567890'],
    ['+62 812 3456 7890', '+6281234567890'],
    ['+62 (812) 3456-7890', '+6281234567890'],
    ['+62 0812 3456 7890', '+6281234567890'],
    ['+6281234567890', '+6281234567890'],
    ['  0812-3456-7890  ', '+6281234567890'],
    ['0856-0000-0001', '+6285600000001'],
    ['0812-0000-0001', '+6281200000001'],
    ['0812345678', '+62812345678'], // the shortest Telkomsel numbers have 10 digits
    ['(0341) 123456', '+62341123456'], // a Malang landline
    ['0341-123456', '+62341123456'],
    ['+1 202 555 0123', '+12025550123'], // another country, written with +
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected)
  })

  test.each([
    [''],
    ['   '],
    ['-'],
    ['abc'],
    ['0812'],
    ['62812'],
    ['12345'],
    ['081234567'], // one digit short for a mobile number
    ['08123456789012345'], // too long
    ['0812-3456-7890 ext 5'],
    ['0812-3456-7890 a.n. Siti'],
    ['tel:+6281234567890'],
    ['6.28123E+12'], // what Excel shows for a number stored as a number
    ['+62'],
    ['00'],
  ])('%j → undefined', (input) => {
    expect(normalizePhone(input)).toBeUndefined()
  })

  test('the default country decides numbers written without a country code', () => {
    expect(normalizePhone('020 7946 0018', 'GB')).toBe('+442079460018')
    expect(normalizePhone('020 7946 0018')).toBeUndefined()
  })
})
