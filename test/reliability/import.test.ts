/**
 * Imports under failure (reliability suite): `npm run import` as a child process on a large
 * generated people file. SIGKILL in the middle of the import leaves no person and no audit row;
 * on Postgres, a connection cut (the TCP proxy) in the middle makes the CLI exit 1 with the
 * Indonesian message and leaves nothing either. The last test imports the file whole and prints
 * its wall time and peak RSS (`/usr/bin/time -v`); `IMPORT_MEASURE_ROWS` sets its size (100,000
 * for the figure in docs/operations/imports.md; 20,000 by default to keep the suite short).
 * On PGlite the database is the embedded one under DATA_DIR; with TEST_DATABASE_URL a database of
 * its own on that server.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { count } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { type DbHandle, createDb } from '../../src/db/client.js'
import { auditLog, people } from '../../src/db/schema/index.js'
import { seedRegions } from '../../src/db/seed-regions.js'
import { type TestDatabase, createTestDbUrl, hasPostgres, seedTestDataDir } from '../harness/db.js'
import { listDesaCodes, writePeopleCsv } from '../harness/people-csv.js'
import { type TcpProxy, startTcpProxy, targetOf, viaProxy } from './harness/tcp-proxy.js'

const REPO = new URL('../..', import.meta.url).pathname
/** Large enough that the import is still running when the test strikes. */
const BIG_FILE_ROWS = 30_000
const MEASURE_ROWS = Number(process.env.IMPORT_MEASURE_ROWS ?? 20_000)

let dataDir: string
let database: TestDatabase | undefined
let proxy: TcpProxy | undefined
let desaCodes: string[]

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-import-'))
  database = hasPostgres ? await createTestDbUrl() : undefined
  await seedTestDataDir(dataDir)
  const handle = await openDb()
  try {
    await seedRegions(handle.db)
    desaCodes = await listDesaCodes(handle.db)
  } finally {
    await handle.close()
  }
})

afterEach(async () => {
  await proxy?.close()
  proxy = undefined
  await database?.drop()
  database = undefined
  await rm(dataDir, { recursive: true, force: true })
})

const openDb = (): Promise<DbHandle> =>
  createDb(database ? { databaseUrl: database.url, poolMax: 2 } : { dataDir })

type Cli = {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves when the CLI has printed `text` on stderr (a progress line). */
  printed: (text: string) => Promise<void>
  exited: Promise<number | null>
}

/** `npm run import` without npm: node's flags (the heap bound among them) and the script. */
const NPM_IMPORT_ARGS = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { import: string } }
).scripts.import
  .split(' ')
  .slice(1)

/** Starts the import CLI as `npm run import` runs it (optionally under `/usr/bin/time -v`). */
function startCli(args: string[], env: Record<string, string>, timed = false): Cli {
  const command = [process.execPath, ...NPM_IMPORT_ARGS, ...args]
  const [file, ...rest] = timed ? ['/usr/bin/time', '-v', ...command] : command
  const child = spawn(file!, rest, {
    cwd: REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const waiters: { text: string; resolve: () => void }[] = []
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) waiter.resolve()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code))
  )
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    printed: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(text)) return resolve()
        waiters.push({ text, resolve })
        void exited.then(() => reject(new Error(`the CLI exited first:\n${stderr}`)))
      }),
    exited,
  }
}

async function counts(): Promise<{ people: number; audit: number }> {
  const handle = await openDb()
  try {
    const [p] = await handle.db.select({ n: count() }).from(people)
    const [a] = await handle.db.select({ n: count() }).from(auditLog)
    return { people: p!.n, audit: a!.n }
  } finally {
    await handle.close()
  }
}

const dbEnv = (): Record<string, string> => (database ? { DATABASE_URL: database.url } : {})

describe('import under failure', () => {
  test('kill -9 in the middle of a large import leaves no person and no audit row', async () => {
    const file = join(dataDir, 'orang.csv')
    await writePeopleCsv(file, BIG_FILE_ROWS, desaCodes)
    const cli = startCli(['people', file, '--kemajuan'], dbEnv())
    // Several batches are written (inside the transaction) when the process dies.
    await cli.printed('kemajuan: 5000 baris dibaca')
    cli.child.kill('SIGKILL')
    expect(await cli.exited).toBeNull()
    expect(cli.stdout()).toBe('')
    expect(await counts()).toEqual({ people: 0, audit: 0 })

    // The same file imports whole afterwards (PGlite recovered, no lock left behind).
    const again = startCli(['people', file], dbEnv())
    expect(await again.exited).toBe(0)
    expect(await counts()).toEqual({ people: BIG_FILE_ROWS, audit: 1 })
  }, 300_000)

  // The cut needs the TCP proxy in front of a real server.
  test.runIf(hasPostgres)(
    'a database cut in the middle: exit 1, an Indonesian message, nothing kept',
    async () => {
      const file = join(dataDir, 'orang.csv')
      await writePeopleCsv(file, BIG_FILE_ROWS, desaCodes)
      proxy = await startTcpProxy(targetOf(database!.url))
      const cli = startCli(['people', file, '--kemajuan'], {
        DATABASE_URL: viaProxy(database!.url, proxy),
      })
      await cli.printed('kemajuan: 5000 baris dibaca')
      await proxy.cut()
      expect(await cli.exited).toBe(1)
      expect(cli.stderr()).toContain(
        'impor dibatalkan, tidak ada data yang diubah: koneksi ke basis data terputus'
      )
      expect(cli.stdout()).toBe('')
      // No name or phone of the file reached the output.
      expect(cli.stderr()).not.toMatch(/\+62|0813|Rahayu|Siti/)
      expect(await counts()).toEqual({ people: 0, audit: 0 })
    },
    300_000
  )

  test('measure: a large file in one pass, wall time and peak RSS', async () => {
    const maxRssMb = (cli: Cli) =>
      Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(cli.stderr())?.[1]) / 1024
    // PGlite's own memory (its WebAssembly heap) is the same for any file: measured on one row.
    const tiny = join(dataDir, 'satu.csv')
    await writePeopleCsv(tiny, 1, desaCodes)
    const baseline = startCli(['people', tiny], dbEnv(), true)
    expect(await baseline.exited).toBe(0)
    const file = join(dataDir, 'orang.csv')
    await writePeopleCsv(file, MEASURE_ROWS, desaCodes)
    const started = performance.now()
    const cli = startCli(['people', file], dbEnv(), true)
    expect(await cli.exited).toBe(0)
    const seconds = (performance.now() - started) / 1000
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)/.exec(cli.stderr())?.[1]
    console.log(
      `import ${MEASURE_ROWS} people on ${database ? 'Postgres' : 'PGlite'}: wall ${wall} ` +
        `(${seconds.toFixed(1)} s), peak RSS ${maxRssMb(cli).toFixed(0)} MB ` +
        `(one row: ${maxRssMb(baseline).toFixed(0)} MB)`
    )
    // The one-row file's person (row 0) is the file's first row again: unchanged.
    expect(cli.stdout().trimEnd().split('\n').at(-1)).toBe(
      `${MEASURE_ROWS - 1} diterima, 0 diperbarui, 1 tidak berubah, 0 ditolak`
    )
    expect(await counts()).toEqual({ people: MEASURE_ROWS, audit: 2 })
    expect(seconds).toBeLessThan(60)
    // The rows add little to what the process holds anyway; on Postgres the whole is bounded.
    expect(maxRssMb(cli) - maxRssMb(baseline)).toBeLessThan(100)
    if (database) expect(maxRssMb(cli)).toBeLessThan(300)
  }, 300_000)
})
