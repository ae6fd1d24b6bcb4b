import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb } from '../../src/db/client.js'
import type { DbHandle } from '../../src/db/client.js'
import { RawResultError, rowsOf, toNumber } from '../../src/db/raw.js'
import { createTestDb, hasPostgres } from '../harness/db.js'

type Probe = { i: number; big: unknown; huge: unknown; n: unknown; t: string; j: unknown }

const PROBE = sql`select 1::int as i, 9007199254740991::int8 as big, 9007199254740993::int8 as huge,
  count(*) as n, 'x' as t, '{"a":1}'::jsonb as j from regions`

async function probe(handle: DbHandle): Promise<Probe[]> {
  return rowsOf<Probe>(await handle.db.execute(PROBE))
}

describe('rowsOf', () => {
  it('rejects values that are neither shape', () => {
    expect(() => rowsOf(undefined)).toThrow(RawResultError)
    expect(() => rowsOf({ rows: 'nope' })).toThrow(RawResultError)
    expect(rowsOf([{ a: 1 }])).toEqual([{ a: 1 }])
    expect(rowsOf({ rows: [{ a: 1 }] })).toEqual([{ a: 1 }])
  })
})

describe('rowsOf on PGlite', () => {
  let handle: DbHandle
  beforeAll(async () => {
    handle = await createDb({ memory: true }) // migrated, not seeded: count(*) from regions is 0
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('reads { rows } with int8 as a number when safe and as a BigInt beyond 2^53', async () => {
    const result = await handle.db.execute(PROBE)
    expect(Array.isArray(result)).toBe(false)
    const [row] = await probe(handle)
    expect(row).toEqual({
      i: 1,
      big: 9007199254740991,
      huge: 9007199254740993n,
      n: 0,
      t: 'x',
      j: { a: 1 },
    })
    expect(toNumber(row?.big)).toBe(Number.MAX_SAFE_INTEGER)
    expect(() => toNumber(row?.huge)).toThrow(/safe range/)
  })
})

// Needs a real server: postgres.js is the driver under test.
describe.runIf(hasPostgres)('rowsOf on PostgreSQL (postgres.js)', () => {
  let handle: DbHandle
  beforeAll(async () => {
    handle = await createTestDb()
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('reads the array result with int8 as a string', async () => {
    expect(handle.kind).toBe('postgres')
    const result = await handle.db.execute(PROBE)
    expect(Array.isArray(result)).toBe(true)
    const [row] = await probe(handle)
    expect(row).toEqual({
      i: 1,
      big: '9007199254740991',
      huge: '9007199254740993',
      n: '424',
      t: 'x',
      j: { a: 1 },
    })
    expect(toNumber(row?.big)).toBe(Number.MAX_SAFE_INTEGER)
    expect(toNumber(row?.n)).toBe(424)
    expect(() => toNumber(row?.huge)).toThrow(/safe range/)
  })
})

describe('toNumber', () => {
  it('accepts numbers, BigInts and numeric strings, and rejects the rest', () => {
    expect(toNumber(3)).toBe(3)
    expect(toNumber(3n)).toBe(3)
    expect(toNumber('3')).toBe(3)
    expect(toNumber('2.5')).toBe(2.5)
    expect(() => toNumber('')).toThrow(RawResultError)
    expect(() => toNumber(null)).toThrow(RawResultError)
    expect(() => toNumber(2n ** 63n - 1n)).toThrow(/safe range/)
  })
})
