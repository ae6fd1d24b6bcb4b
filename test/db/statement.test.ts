/**
 * Statements built once (`src/db/statement.ts`): a cached select gives the rows the same drizzle
 * select gives, typed and mapped alike (dates, booleans, arrays, computed columns, a left join's
 * missing side as null), for each run's own values, on the database and inside a transaction.
 * Runs on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import { expect, test } from 'vitest'
import type { DbOrTx } from '../../src/db/client.js'
import { families, people, regions } from '../../src/db/schema/index.js'
import { cachedSelect } from '../../src/db/statement.js'
import { useTestDb } from '../harness/db.js'

const handle = useTestDb()

/** The people of a region prefix, with the family they head if any (a left join). */
const peopleIn = (db: DbOrTx, prefix: unknown, limit: unknown) =>
  db
    .select({
      id: people.id,
      name: people.name,
      roles: people.roles,
      createdAt: people.createdAt,
      upper: sql<string>`upper(${people.name})`,
      region: regions.name,
      family: { id: families.id, krs: families.krs },
    })
    .from(people)
    .innerJoin(regions, eq(regions.code, people.regionCode))
    .leftJoin(families, eq(families.headName, people.name))
    .where(and(sql`${people.regionCode} like ${prefix}`))
    .orderBy(asc(people.id))
    .limit(limit as number)

const cached = cachedSelect((db) =>
  peopleIn(db, sql.placeholder('prefix'), sql.placeholder('limit'))
)

test('a cached select gives what the select gives, for each run’s values, in a transaction too', async () => {
  const db = handle.db
  await db.insert(people).values([
    { name: 'Siti Rahayu', roles: ['kader'], regionCode: '35.07.24.2001' },
    { name: 'Bambang', roles: ['supervisor', 'admin'], regionCode: '35.07.24' },
    { name: 'Nur Aini', roles: ['peserta'], regionCode: '35.07.24.2002' },
    { name: 'Lain', roles: ['kader'], regionCode: '35.07.01.2001' },
  ])
  await db
    .insert(families)
    .values({ headName: 'Siti Rahayu', desaCode: '35.07.24.2001', krs: true })
  const direct = await peopleIn(db, '35.07.24%', 10)
  expect(direct).toHaveLength(3)
  expect(direct[0]!.family).toMatchObject({ krs: true })
  // No family of that name: the joined side is null, as drizzle maps a left join.
  expect(direct[1]!.family).toBeNull()
  expect(direct[0]!.createdAt).toBeInstanceOf(Date)
  expect(await cached(db, { prefix: '35.07.24%', limit: 10 })).toEqual(direct)

  // Other values, the same built text; and inside a transaction.
  expect(await cached(db, { prefix: '35.07.01%', limit: 10 })).toEqual(
    await peopleIn(db, '35.07.01%', 10)
  )
  await db.transaction(async (tx) => {
    await tx.insert(families).values({ headName: 'Bambang', desaCode: '35.07.24.2001' })
    const inside = await cached(tx, { prefix: '35.07.24%', limit: 2 })
    expect(inside).toEqual(await peopleIn(tx, '35.07.24%', 2))
    expect(inside[1]!.family).toMatchObject({ krs: false })
  })
})
