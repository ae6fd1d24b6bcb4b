/**
 * @module `npm run import -- <kind> <file.csv>`: imports a CSV into the database and prints the
 * per-row report in Indonesian (docs/design.md#contracts). Opens the database like the app
 * (migrations, region seed) from `DATABASE_URL` (unset → PGlite) and `DATA_DIR` (default `./data`),
 * which it reads itself as a CLI entry; dates and times in the file are in `TZ_NAME`. The import
 * is one transaction: all accepted rows and the audit row, or nothing. Exit code 0 when the file
 * was imported, rejected rows or not; 1 for a usage, configuration, file or database error, after
 * which nothing of the file is in the database. A thin shell: the import logic lives in
 * `src/import/`.
 */
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { ConfigError, loadConfig } from './config.js'
import { createDb } from './db/client.js'
import type { DbHandle } from './db/client.js'
import { seedRegions } from './db/seed-regions.js'
import { ImportFileError } from './import/csv.js'
import { FAILURE_MESSAGES, PROGRESS_MESSAGES } from './import/messages.js'
import { formatImportReport } from './import/report.js'
import { IMPORT_KINDS, describeImportFailure, importKindSchema, runImport } from './import/run.js'
import { describeError } from './lib/redact.js'

/** Prints a line on stderr after each batch (long files; the reliability tests wait for it). */
const PROGRESS_FLAG = '--kemajuan'

const USAGE = [
  'cara pakai: npm run import -- <jenis> <berkas.csv>',
  `jenis: ${IMPORT_KINDS.join(', ')}`,
  'contoh: npm run import -- people examples/people.csv',
  `${PROGRESS_FLAG}: tulis kemajuan (baris yang sudah dibaca) ke stderr`,
].join('\n')

/** Runs the CLI with its arguments (after the script name); returns the process exit code. */
async function runImportCli(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const progress = args.includes(PROGRESS_FLAG)
  const [kindArg, file, ...rest] = args.filter((arg) => arg !== PROGRESS_FLAG)
  const kind = importKindSchema.safeParse(kindArg)
  if (!kind.success || file === undefined || rest.length > 0) {
    if (kindArg !== undefined && !kind.success)
      console.error(`jenis impor '${kindArg}' tidak dikenal`)
    console.error(USAGE)
    return 1
  }

  // The bot's own configuration decides the zone of the file's dates (`TZ_NAME`).
  let timeZone: string
  try {
    timeZone = loadConfig(env).timeZone
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    return 1
  }

  let input: FileHandle
  try {
    input = await open(file)
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
    // Read as a stream; the report is printed only after the commit, so no line claims a row
    // that a later failure took back.
    const report = await runImport(handle.db, {
      kind: kind.data,
      source: input.createReadStream({ highWaterMark: 64 * 1024 }),
      actor: 'cli',
      now: new Date(),
      timeZone,
      ...(progress
        ? { onProgress: (counts) => console.error(PROGRESS_MESSAGES.read(counts.processed)) }
        : {}),
    })
    for (const line of formatImportReport(report)) console.log(line)
    return 0
  } catch (error) {
    console.error(
      error instanceof ImportFileError
        ? FAILURE_MESSAGES.fileNothingChanged(file, error.message)
        : describeImportFailure(error)
    )
    return 1
  } finally {
    await input.close().catch(() => undefined)
    await handle?.close().catch(() => undefined)
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
