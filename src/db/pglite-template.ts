/**
 * @module The prepared PGlite data directory (the "template") that `npm run build` leaves in
 * `dist/pglite-template/`: a database already through initdb, every migration and the region seed.
 * A fresh `DATA_DIR` starts from a copy of it instead of running initdb (two PGlite instances,
 * seconds) and the migrations. The template carries a key of what made it (the migrations, the
 * seed CSVs, the PGlite version); a template whose key differs from the running code's is not
 * used, so a fresh database always holds the same migrations journal as one made from scratch.
 * Start-up still runs the migrations and the seed after the copy: both find nothing to do.
 */
import { createHash } from 'node:crypto'
import {
  closeSync,
  cpSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { z } from 'zod'
import { MIGRATIONS_FOLDER } from './migrate.js'

/** Where `npm run build` writes the template (beside the bundle), and where start-up finds it. */
export const PGLITE_TEMPLATE_DIR = fileURLToPath(
  new URL('../../dist/pglite-template', import.meta.url)
)

/** Inside a template: the PGlite data directory, and the key of what made it. */
export const TEMPLATE_DATA = 'pglite'
export const TEMPLATE_KEY_FILE = 'key'

/** The region seed's CSV files (`seed-regions.ts`), part of the key. */
const SEED_FOLDER = fileURLToPath(new URL('./seed', import.meta.url))

/**
 * The key of the database the running code would make: each migration's hash and timestamp (what
 * drizzle's journal table records), the region seed files, and PGlite's version (its data format).
 */
export function pgliteTemplateKey(): string {
  const hash = createHash('sha256')
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER })
  for (const migration of migrations) hash.update(`${migration.folderMillis}:${migration.hash}\n`)
  for (const name of readdirSync(SEED_FOLDER)
    .filter((n) => n.endsWith('.csv'))
    .sort()) {
    hash.update(`${name}\n`)
    hash.update(readFileSync(join(SEED_FOLDER, name)))
  }
  hash.update(`pglite ${pgliteVersion()}`)
  return hash.digest('hex')
}

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  const manifest: unknown = JSON.parse(
    readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')
  )
  return z.object({ version: z.string() }).parse(manifest).version
}

/** The key a template directory was made with, or undefined when there is none. */
export function readTemplateKey(templateDir: string): string | undefined {
  try {
    return readFileSync(join(templateDir, TEMPLATE_KEY_FILE), 'utf8').trim()
  } catch {
    return undefined
  }
}

/** Why a template was not used, for the start-up log. */
export type TemplateOutcome = 'copied' | 'exists' | 'absent' | 'stale'

/**
 * Puts a copy of the template at `pgliteDir` when that directory holds no database yet (absent or
 * empty) and the template's key matches the running code; otherwise leaves everything as it is
 * and says why. The copy is made beside the target and renamed into place, so an interrupted copy
 * never looks like a database (the next start removes it and tries again). Like PGlite's own
 * initdb, which writes its files without fsync, the copy relies on the operating system to write
 * the files back; the rename and the parent directory are synced.
 */
export function copyPgliteTemplate(
  pgliteDir: string,
  templateDir: string = PGLITE_TEMPLATE_DIR
): TemplateOutcome {
  if (existsSync(pgliteDir) && readdirSync(pgliteDir).length > 0) return 'exists'
  const key = readTemplateKey(templateDir)
  if (key === undefined || !existsSync(join(templateDir, TEMPLATE_DATA, 'PG_VERSION'))) {
    return 'absent'
  }
  if (key !== pgliteTemplateKey()) return 'stale'
  const partial = `${pgliteDir}.template-copy`
  rmSync(partial, { recursive: true, force: true })
  cpSync(join(templateDir, TEMPLATE_DATA), partial, { recursive: true })
  if (existsSync(pgliteDir)) rmdirSync(pgliteDir)
  renameSync(partial, pgliteDir)
  syncDirectory(dirname(pgliteDir))
  return 'copied'
}

function syncDirectory(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
