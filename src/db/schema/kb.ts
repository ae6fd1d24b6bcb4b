import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import { KB_EVENT_KINDS, KB_SERVICE_PLACES } from '../../domain/kb.js'
import { people } from './people.js'
import { regions } from './regions.js'
import { families, visits } from './visits.js'

/**
 * The KB register: one row per KB record of a PUS family, from a visit or a supervisor's
 * correction, never updated (`docs/domain.md` "KB register"). A correction is a new row whose
 * `corrects_id` names the row it replaces; queries skip replaced rows, the earlier record stays.
 * "Active user at the end of month M" is the family's latest unreplaced row dated on or before
 * M's last day (by date, then id) having a method.
 */
export const kbEvents = pgTable(
  'kb_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    familyId: bigint('family_id', { mode: 'number' })
      .notNull()
      .references(() => families.id),
    desaCode: text('desa_code').notNull(),
    /** The visit that recorded it; null for a supervisor's correction. */
    visitId: bigint('visit_id', { mode: 'number' }).references(() => visits.id),
    recordedBy: bigint('recorded_by', { mode: 'number' }).references(() => people.id),
    /** The visit's date (WIB). */
    eventDate: date('event_date').notNull(),
    /** YYYY-MM of `event_date`. */
    period: text('period').notNull(),
    kind: text('kind', { enum: KB_EVENT_KINDS }).notNull(),
    status: text('status', { enum: ['ber_kb', 'tidak_kb', 'hamil'] }).notNull(),
    method: text('method'),
    /** Peserta KB Baru: the method was started in this month. */
    newAcceptor: boolean('new_acceptor').notNull().default(false),
    servicePlace: text('service_place', { enum: KB_SERVICE_PLACES }),
    jkn: boolean('jkn'),
    intent: text('intent'),
    /** The row this one replaces (a correction); that row stays as it was. */
    correctsId: bigint('corrects_id', { mode: 'number' }).references(
      (): AnyPgColumn => kbEvents.id
    ),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('kb_events_family_idx').on(t.familyId, t.eventDate),
    index('kb_events_desa_date_idx').on(t.desaCode, t.eventDate),
    index('kb_events_corrects_idx').on(t.correctsId),
    check('kb_events_method_ck', sql`(${t.status} = 'ber_kb') = (${t.method} is not null)`),
  ]
)

/**
 * Stocks imported per desa (`npm run import -- stocks`): PUS, PPM targets per method and the
 * existing units (docs/domain.md, decision 14). `period` is the month from which the value holds
 * (`YYYY-01` for a yearly figure); a month without its own value takes the latest earlier one.
 */
export const desaStocks = pgTable(
  'desa_stocks',
  {
    desaCode: text('desa_code')
      .notNull()
      .references(() => regions.code),
    period: text('period').notNull(),
    /** `pus`, `ppm_total`, `ppm_<siga code>`, `unit_<unit>` (`STOCK_KEYS`). */
    key: text('key').notNull(),
    value: integer('value').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.desaCode, t.key, t.period] }),
    check('desa_stocks_value_ck', sql`${t.value} >= 0`),
  ]
)
