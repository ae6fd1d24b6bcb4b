/**
 * `npm start` as a newcomer runs it: no DATABASE_URL, no messenger. The process must migrate an
 * embedded PGlite under DATA_DIR, answer /healthz, run the demo flow through the simulator API,
 * stop cleanly on SIGTERM, and start again on the same data (the lock file released).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const REPO = new URL('../..', import.meta.url).pathname

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-start-'))
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('npm start', () => {
  test('serves /healthz and the demo flow, stops on SIGTERM, and restarts on the same data', async () => {
    const first = await start()
    try {
      const health = await fetch(`${first.url}/healthz`)
      expect(health.status).toBe(200)
      expect(await health.json()).toEqual({ status: 'ok', database: 'pglite' })

      const say = async (text: string) => {
        const response = await fetch(`${first.url}/api/v1/simulator/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'newcomer', text }),
        })
        expect(response.status).toBe(200)
        return ((await response.json()) as { replies: { text: string }[] }).replies
      }
      expect((await say('halo'))[0]!.text).toMatch(/^Selamat datang di kaderbot/)
      expect((await say('ya')).map((r) => r.text)).toEqual([
        'Terima kasih, persetujuan Bapak/Ibu sudah kami catat.',
        'Menu utama. Silakan pilih:',
      ])
      expect((await say('2'))[0]!.text).toBe(
        'Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?'
      )
      expect((await say('Rina'))[0]!.text).toMatch(/^Bapak\/Ibu sebagai apa\?/)
    } finally {
      await stop(first.child)
    }
    expect(
      await fetch(`${first.url}/healthz`).then(
        () => 'up',
        () => 'down'
      )
    ).toBe('down')

    // The half-finished conversation survives the restart (docs/design.md P4).
    const second = await start()
    try {
      const response = await fetch(`${second.url}/api/v1/simulator/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'newcomer', text: '2' }),
      })
      const body = (await response.json()) as { replies: { text: string }[] }
      expect(body.replies[0]!.text).toBe('Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.')
    } finally {
      await stop(second.child)
    }
  }, 120_000)

  test('a wrong environment value stops start-up with one line naming it', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: REPO,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: 'abc', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/PORT/)])
  }, 60_000)
})

async function start(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort()
  const child = spawn('npm', ['start', '--silent'], {
    cwd: REPO,
    // Only what a fresh machine has: no DATABASE_URL, no messenger tokens.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() can signal it the way Ctrl-C in a terminal does.
    detached: true,
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`)
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false
    )
    if (ok) return { child, url }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  child.kill('SIGKILL')
  throw new Error(`npm start did not answer /healthz in time:\n${output}`)
}

/**
 * Sends SIGTERM to npm and the bot (the whole group) and waits until every process of the group
 * has exited: npm itself may exit first, while the bot is still closing its database.
 */
async function stop(child: ChildProcess): Promise<void> {
  process.kill(-child.pid!, 'SIGTERM')
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    try {
      process.kill(-child.pid!, 0)
    } catch {
      return // ESRCH: no process of the group is left.
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  process.kill(-child.pid!, 'SIGKILL')
  throw new Error('npm start did not stop within 20 s of SIGTERM')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject()
      )
    })
  })
}
