import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'

/**
 * Kabupaten Malang's administrative regions with Kemendagri codes (`35.07`, `35.07.24`,
 * `35.07.24.2001`). Seeded from `src/db/seed/*.csv`; kept as one table so a person's region code
 * (desa, kecamatan or the kabupaten) can reference any level.
 */
export const regions = pgTable(
  'regions',
  {
    code: text('code').primaryKey(),
    level: text('level', { enum: ['kabupaten', 'kecamatan', 'desa', 'kelurahan'] }).notNull(),
    name: text('name').notNull(),
    parentCode: text('parent_code'),
  },
  (t) => [
    index('regions_parent_idx').on(t.parentCode),
    uniqueIndex('regions_parent_name_uq').on(t.parentCode, t.name),
  ]
)
