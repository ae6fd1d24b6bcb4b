/**
 * The patched postgres.js (`patches/postgres+3.4.9.patch`) when a session ends while a new
 * connection fetches the server's array types, the first thing each connection does. Unpatched,
 * the fetch's rejection went unobserved, which ends a Node process (the lease test, cutting a
 * replica's sessions, met it once in CI), and the next connection read arrays as text
 * (`'{kader,supervisor}'`). Now the query that opened the connection gets the server's error and
 * a new connection fetches the types and reads arrays. Postgres only: PGlite has no connection to
 * cut.
 */
import { type Server, type Socket, connect, createServer } from 'node:net'
import postgres from 'postgres'
import { afterEach, describe, expect, test } from 'vitest'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'

let database: TestDatabase | undefined
let server: Server | undefined
const sockets = new Set<Socket>()

afterEach(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
  await database?.drop()
  database = undefined
})

/**
 * A TCP path to `url`'s server that, when a client of `applicationName` asks for the array types,
 * holds the request back and has the server end that session, as a restart or a cut replica does.
 */
async function endSessionAtTypeFetch(url: URL, applicationName: string): Promise<number> {
  const admin = postgres(url.toString(), { max: 1, onnotice: () => undefined })
  const target = { host: url.hostname, port: Number(url.port || 5432) }
  let armed = true
  server = createServer((client) => {
    const upstream = connect(target)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => undefined).on('close', () => (client.destroy(), upstream.destroy()))
    }
    client.on('data', (chunk: Buffer) => {
      if (!armed || !chunk.includes('typarray')) return void upstream.write(chunk)
      armed = false
      void admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = ${applicationName}`.finally(() => admin.end({ timeout: 1 }))
    })
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

// Postgres only: PGlite runs in-process, with no connection to cut.
describe.skipIf(!hasPostgres)('postgres.js when a session ends during its type fetch', () => {
  test("the opening query gets the server's error, nothing is left unhandled, arrays read after", async () => {
    database = await createTestDbUrl()
    const url = new URL(database.url)
    const port = await endSessionAtTypeFetch(url, 'types-cut')
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const viaPath = new URL(url)
    viaPath.port = String(port)
    const sql = postgres(viaPath.toString(), {
      max: 1,
      onnotice: () => undefined,
      connection: { application_name: 'types-cut' },
    })
    try {
      // The server's "terminating connection" reaches the query that opened the connection.
      await expect(sql`select 1`).rejects.toMatchObject({ code: '57P01' })
      // A query sent while the ended session closes may fail too; then a new connection serves.
      let roles: string[] | undefined
      for (let attempt = 0; roles === undefined && attempt < 5; attempt++) {
        roles = await sql<{ roles: string[] }[]>`select array['kader', 'supervisor'] as roles`.then(
          ([row]) => row!.roles,
          () => undefined
        )
      }
      expect(roles).toEqual(['kader', 'supervisor'])
      // Give an unobserved rejection its turn to be reported.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
      await sql.end({ timeout: 1 })
    }
  })
})
