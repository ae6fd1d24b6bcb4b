/**
 * @module `npm run import -- <kind> <file.csv>`: imports a CSV into the database and prints the
 * per-row report in Indonesian (DESIGN "Contracts"). Opens the database like the app (migrations,
 * region seed) from `DATABASE_URL` (unset → PGlite) and `DATA_DIR` (default `./data`), which it
 * reads itself as a CLI entry. Exit code 0 when the file was read, rejected rows or not; 1 for a
 * usage, file or database error. A thin shell: the import logic lives in `src/import/`.
 */
import { readFile } from 'node:fs/promises'
import { createDb } from './db/client.js'
import type { Db, DbHandle } from './db/client.js'
import { seedRegions } from './db/seed-regions.js'
import { ImportFileError, decodeCsv } from './import/csv.js'
import { importPeople } from './import/people.js'
import { formatImportReport } from './import/report.js'
import { importEnrollments, importSessions } from './import/training.js'
import type { ImportReport } from './import/report.js'
import { describeError } from './lib/redact.js'

type Importer = (db: Db, csvText: string) => Promise<ImportReport>

/** The kinds of import: the roster first, then the training schedule, then its participants. */
const IMPORTERS: Record<string, Importer> = {
  people: (db, csvText) => importPeople(db, csvText),
  sessions: (db, csvText) => importSessions(db, csvText),
  enrollments: (db, csvText) => importEnrollments(db, csvText),
}

const USAGE = [
  'cara pakai: npm run import -- <jenis> <berkas.csv>',
  `jenis: ${Object.keys(IMPORTERS).join(', ')}`,
  'contoh: npm run import -- people examples/people.csv',
].join('\n')

/** Runs the CLI with its arguments (after the script name); returns the process exit code. */
async function runImportCli(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [kind, file, ...rest] = args
  const importer = kind === undefined ? undefined : IMPORTERS[kind]
  if (importer === undefined || file === undefined || rest.length > 0) {
    if (kind !== undefined && importer === undefined) {
      console.error(`jenis impor '${kind}' tidak dikenal`)
    }
    console.error(USAGE)
    return 1
  }

  let csvText: string
  try {
    csvText = decodeCsv(await readFile(file))
  } catch (error) {
    console.error(describeReadError(file, error))
    return 1
  }

  let handle: DbHandle | undefined
  try {
    handle = await createDb({
      databaseUrl: env.DATABASE_URL?.trim() || undefined,
      dataDir: env.DATA_DIR?.trim() || './data',
    })
    await seedRegions(handle.db)
    const report = await importer(handle.db, csvText)
    for (const line of formatImportReport(report)) console.log(line)
    return 0
  } catch (error) {
    console.error(
      error instanceof ImportFileError
        ? `${file}: ${error.message}`
        : `impor gagal: ${describeError(error)}`
    )
    return 1
  } finally {
    await handle?.close()
  }
}

/** One Indonesian line for a file that could not be read or decoded. */
function describeReadError(file: string, error: unknown): string {
  if (error instanceof ImportFileError) return `${file}: ${error.message}`
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return `berkas ${file} tidak ditemukan`
  return `berkas ${file} tidak dapat dibaca (${code ?? describeError(error)})`
}

// A CLI entry reads only its two variables itself, like db:migrate.
// eslint-disable-next-line no-restricted-properties
process.exitCode = await runImportCli(process.argv.slice(2), process.env)
