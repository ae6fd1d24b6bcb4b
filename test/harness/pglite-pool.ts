/**
 * @module Reused PGlite test databases. Starting one from the run's dump costs seconds (the wasm
 * runtime and a data directory of some 40 MB); putting one that a test has closed back to the
 * dump's state costs milliseconds. So closed databases wait in an idle list, reset, for the next
 * `createTestDb()` of the file, and one of them for the next file of the worker: every table that was empty in the dump is emptied, the dump's
 * rows (the regions, the migrations journal) are checked unchanged, every sequence is set back and
 * the session's state is discarded (settings, temporary tables, LISTEN, advisory locks). A
 * database whose schema, roles or seeded rows a test changed, on which a test listened, or which
 * a test closed itself, is closed instead, so a reused database is indistinguishable from a new
 * one (`test/harness/pglite-pool.test.ts` checks this).
 *
 * Each test gets its own view of the database, which answers as a closed one once the test closed
 * it: anything the test left running (a sender's timer, a scheduler tick) fails as before instead
 * of writing into the next test's database.
 */
import { PGlite } from '@electric-sql/pglite'
import { createPgliteHandle, PGLITE_OPTIONS } from '../../src/db/client.js'
import type { PgliteDbHandle } from '../../src/db/client.js'

/** What a database loaded from the dump holds, to reset to and to compare with. */
type Baseline = {
  /** The user tables empty in the dump, quoted and schema-qualified: emptied on each reset. */
  emptyTables: string[]
  /** The tables with rows in the dump, quoted: their contents' digest must not change. */
  seededTables: string[]
  seededDigest: string
  /** `select setval(…)` of every sequence to its value in the dump. */
  sequenceReset: string
  /** The dump's sequences, quoted and schema-qualified. */
  sequences: string[]
  /** A digest of the schema, roles and settings, which a reset cannot put back. */
  catalogDigest: string
}

/** User schemas: everything but the system's own. */
const USER_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`

/** The schema, roles, extensions and database settings, as one digest (`Baseline`). */
const CATALOG_DIGEST = `select md5(coalesce(string_agg(x, E'\\n' order by x), '')) as digest from (
  select 'class ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || c.relnatts::text as x
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${USER_SCHEMAS}
  union all
  select 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' '
      || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' '
      || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    from pg_attribute a join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where ${USER_SCHEMAS} and a.attnum > 0 and not a.attisdropped
  union all
  select 'constraint ' || n.nspname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)
    from pg_constraint co join pg_namespace n on n.oid = co.connamespace where ${USER_SCHEMAS}
  union all
  select 'index ' || pg_get_indexdef(i.indexrelid) from pg_index i
    join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
    where ${USER_SCHEMAS}
  union all
  select 'trigger ' || t.tgrelid::regclass::text || '.' || t.tgname || ' ' || t.tgenabled::text
    from pg_trigger t where not t.tgisinternal
  union all
  select 'function ' || p.oid::regprocedure::text || ' ' || md5(coalesce(p.prosrc, ''))
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${USER_SCHEMAS}
  union all
  select 'type ' || n.nspname || '.' || t.typname || ' '
      || coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder)
        from pg_enum e where e.enumtypid = t.oid), '')
    from pg_type t join pg_namespace n on n.oid = t.typnamespace where ${USER_SCHEMAS}
  union all
  select 'view ' || n.nspname || '.' || c.relname || ' ' || md5(pg_get_viewdef(c.oid))
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where ${USER_SCHEMAS} and c.relkind in ('v', 'm')
  union all select 'schema ' || n.nspname from pg_namespace n where ${USER_SCHEMAS}
  union all select 'role ' || rolname || ' ' || rolsuper::text || ' ' || rolcanlogin::text from pg_roles
  union all select 'extension ' || extname || ' ' || extversion from pg_extension
  union all
  select 'setting ' || setdatabase::text || ' ' || setrole::text || ' ' || array_to_string(setconfig, ',')
    from pg_db_role_setting
  union all select 'database ' || datname from pg_database
) catalog`

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`

async function readBaseline(pglite: PGlite): Promise<Baseline> {
  const tables = await pglite.query<{ name: string }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where ${USER_SCHEMAS} and c.relkind in ('r', 'p') order by 1`
  )
  const names = tables.rows.map((row) => row.name)
  const counts = names.length
    ? await pglite.query<{ name: string; rows: number }>(
        names
          .map(
            (name) => `select ${literal(name)} as name, (select count(*)::int from ${name}) as rows`
          )
          .join(' union all ')
      )
    : { rows: [] }
  const seededTables = counts.rows.filter((row) => row.rows > 0).map((row) => row.name)
  const sequences = await pglite.query<{ name: string; value: string; called: boolean }>(
    `select quote_ident(schemaname) || '.' || quote_ident(sequencename) as name,
       coalesce(last_value, start_value)::text as value, last_value is not null as called
     from pg_sequences order by 1`
  )
  return {
    emptyTables: counts.rows.filter((row) => row.rows === 0).map((row) => row.name),
    seededTables,
    seededDigest: await seededDigest(pglite, seededTables),
    sequenceReset: sequences.rows.length
      ? `select ${sequences.rows
          .map((s) => `setval(${literal(s.name)}, ${s.value}, ${s.called})`)
          .join(', ')}`
      : '',
    sequences: sequences.rows.map((s) => s.name),
    catalogDigest: await catalogDigest(pglite),
  }
}

/**
 * Drops the sequences made since the dump that no column owns: the app makes one per month for
 * visit numbers (`visit_number_sequence`), which a reset puts back by dropping it.
 */
function dropSequencesSince(dumped: string[]): string {
  const kept = `array[${dumped.map(literal).join(', ')}]::text[]`
  return `do $$ declare s record; begin
    for s in select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'S' and ${USER_SCHEMAS}
        and not (quote_ident(n.nspname) || '.' || quote_ident(c.relname) = any(${kept}))
        and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass
          and d.objid = c.oid and d.deptype in ('a', 'i'))
    loop execute 'drop sequence ' || s.name; end loop; end $$`
}

async function seededDigest(pglite: PGlite, tables: string[]): Promise<string> {
  if (tables.length === 0) return ''
  const result = await pglite.query<{ digest: string }>(
    `select ${tables
      .map(
        (name) =>
          `(select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from ${name} t)`
      )
      .join(` || ' ' || `)} as digest`
  )
  return result.rows[0]!.digest
}

async function catalogDigest(pglite: PGlite): Promise<string> {
  return (await pglite.query<{ digest: string }>(CATALOG_DIGEST)).rows[0]!.digest
}

/**
 * Puts a database a test has finished with back to the dump's state; false when it cannot be (its
 * schema, roles or seeded rows changed), and it must be closed instead.
 */
async function reset(pglite: PGlite, baseline: Baseline): Promise<boolean> {
  // Outside any transaction block: DISCARD ALL refuses to run in one.
  await pglite.exec('discard all')
  await pglite.exec(dropSequencesSince(baseline.sequences))
  if ((await catalogDigest(pglite)) !== baseline.catalogDigest) return false
  if (baseline.emptyTables.length) await pglite.exec(`truncate ${baseline.emptyTables.join(', ')}`)
  if ((await seededDigest(pglite, baseline.seededTables)) !== baseline.seededDigest) return false
  if (baseline.sequenceReset) await pglite.exec(baseline.sequenceReset)
  return true
}

/** A file's PGlite test databases: new ones from `dump`, closed ones reset and handed out again. */
export type PglitePool = {
  take: () => Promise<PgliteDbHandle>
  /**
   * Closes the databases waiting for reuse but the last `keep` (at the end of a file: the next
   * file in the same worker takes those).
   */
  closeIdle: (keep?: number) => Promise<void>
}

export function createPglitePool(dump: () => Promise<File | Blob>): PglitePool {
  const idle: PGlite[] = []
  let baseline: Promise<Baseline> | undefined

  const open = async (): Promise<PGlite> => {
    const reused = idle.pop()
    if (reused) return reused
    const pglite = await PGlite.create({ loadDataDir: await dump(), ...PGLITE_OPTIONS })
    // Read from the first database before any test has touched it.
    baseline ??= readBaseline(pglite)
    await baseline
    return pglite
  }

  const take = async (): Promise<PgliteDbHandle> => {
    const pglite = await open()
    let listened = false
    let released = false
    // The test's own view of the database, bound to the real one; once the test has closed it,
    // it answers as a closed PGlite does.
    const view = new Proxy(pglite, {
      get(target, property) {
        if (released && property === 'closed') return true
        if (property === 'listen' || property === 'onNotification') listened = true
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        return released ? () => Promise.reject(new Error('PGlite is closed')) : value.bind(target)
      },
    })
    const handle = createPgliteHandle(view)
    const release = async (): Promise<void> => {
      released = true
      if (pglite.closed) return
      const reusable = !listened && (await reset(pglite, await baseline!).catch(() => false))
      if (reusable) idle.push(pglite)
      else await pglite.close()
    }
    let closing: Promise<void> | undefined
    return { ...handle, close: () => (closing ??= release()) }
  }

  const closeIdle = async (keep = 0): Promise<void> => {
    await Promise.all(idle.splice(keep).map((pglite) => pglite.close()))
  }

  return { take, closeIdle }
}
