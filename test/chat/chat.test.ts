/**
 * The terminal chat (`npm run chat`): the real CLI process against a real server on a test
 * database, with piped input, and the session loop in-process on the same app for the cases a
 * pipe cannot stage (unprompted messages, a server that goes down, a missing token).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createSimulatorClient } from '../../src/chat/client.js'
import { runChatSession } from '../../src/chat/session.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { deliverToSimulator, listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { createApp } from '../../src/http/app.js'
import type { OutboxSender } from '../../src/outbox/sender.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { createTestRuntime, giveConsent, silentLogger } from '../harness/runtime.js'
import { LOOPBACK } from '../harness/http.js'

const REPO = new URL('../..', import.meta.url).pathname
const TOKEN = 'a-very-long-admin-token'

let handle: TestDbHandle
let dataDir: string
let app: Hono
let sender: OutboxSender

async function buildApp(requiredToken?: string): Promise<void> {
  const runtime = await createTestRuntime(handle.db)
  sender = runtime.sender
  app = createApp({
    logger: silentLogger,
    databaseKind: handle.kind,
    pingDatabase: async () => undefined,
    simulator: {
      handleInbound: runtime.runtime.handleInbound,
      listInbox: (params) => listSimulatorInbox(handle.db, params),
      media: createMediaStore(dataDir),
      ...(requiredToken !== undefined ? { requiredToken } : {}),
    },
  })
}

beforeEach(async () => {
  handle = await createTestDb()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-chat-'))
  await giveConsent(handle.db, ['t1', 't2', 't3', 't4', 't5', 't6'])
  await buildApp()
})
afterEach(async () => {
  await sender.idle()
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

const ROLE_PROMPT = [
  '< Bapak/Ibu sebagai apa?',
  '  1. Kader KB (PPKBD/Sub-PPKBD)',
  '  2. Peserta pelatihan ibu muda',
  '  3. Petugas DPPKB',
  '  4. Lainnya',
]

describe('npm run chat with piped input', () => {
  test('prints prompts and numbered choices, presses a choice by number, exits 0 at EOF', async () => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const run = await runCli(
        ['--url', `http://127.0.0.1:${port}`, '--from', 't1', '--transcript'],
        ['kenalan', 'Siti', '/pilih 2'].join('\n')
      )
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const [live, transcript] = run.stdout.split('\n--- transkrip ---\n')
      expect(live!.trimEnd().split('\n')).toEqual([
        '> kenalan',
        '< Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
        '> Siti',
        ...ROLE_PROMPT,
        '> /pilih 2',
        '< Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.',
      ])
      // The transcript is the test grammar (docs/architecture.md#transcript-tests): a pressed button is [choice:id].
      expect(transcript!.trimEnd().split('\n')).toEqual([
        '> kenalan',
        '< Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
        '> Siti',
        ...ROLE_PROMPT,
        '> [choice:peserta]',
        '< Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.',
      ])
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }, 60_000)

  test('a usage error prints the usage in Indonesian and exits 1', async () => {
    const run = await runCli(['--nope'], '')
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^pilihan tidak dikenal/)
    expect(run.stderr).toContain('cara pakai: npm run chat')
  }, 30_000)
})

describe('the chat session', () => {
  test('prints an unprompted message once, while waiting for input', async () => {
    const lines = controlledLines()
    const { io, output } = captureIo(lines.iterable)
    const done = runChatSession({
      client: createSimulatorClient({ baseUrl: 'http://sim', fetch: viaApp }),
      io,
      url: 'http://sim',
      from: 't2',
      pollIntervalMs: 20,
    })
    lines.push('kenalan')
    await until(() => output.includes('< Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?'))
    // A reminder the person did not trigger, delivered straight to their inbox.
    await deliverToSimulator(handle.db, {
      recipientId: 't2',
      message: { text: 'Pengingat: pelatihan besok pukul 08.00.' },
    })
    await until(() => output.includes('< Pengingat: pelatihan besok pukul 08.00.'))
    await new Promise((resolve) => setTimeout(resolve, 100))
    lines.end()
    expect(await done).toBe(0)
    expect(output.filter((line) => line.startsWith('< '))).toEqual([
      '< Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
      '< Pengingat: pelatihan besok pukul 08.00.',
    ])
  })

  test('starts at the end of the inbox: an earlier session is not replayed', async () => {
    await deliverToSimulator(handle.db, { recipientId: 't3', message: { text: 'lama' } })
    const { io, output } = captureIo(fromLines(['kenalan']))
    const code = await runChatSession({
      client: createSimulatorClient({ baseUrl: 'http://sim', fetch: viaApp }),
      io,
      url: 'http://sim',
      from: 't3',
    })
    expect(code).toBe(0)
    expect(output).toEqual([
      '> kenalan',
      '< Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
    ])
  })

  test('says once that the server is down, retries the same message, and says it is back', async () => {
    let failures = 3
    const ids: string[] = []
    const flaky = (url: string, init: RequestInit) => {
      if (init.method === 'POST') ids.push((JSON.parse(String(init.body)) as { id: string }).id)
      if (failures > 0) {
        failures -= 1
        return Promise.reject(new TypeError('fetch failed'))
      }
      return viaApp(url, init)
    }
    const { io, output } = captureIo(fromLines(['kenalan']))
    const code = await runChatSession({
      client: createSimulatorClient({ baseUrl: 'http://sim', fetch: flaky }),
      io,
      url: 'http://sim',
      from: 't4',
      retryIntervalMs: 5,
    })
    expect(code).toBe(0)
    expect(output).toEqual([
      '* Server kaderbot di http://sim belum bisa dihubungi. Mencoba lagi tiap 2 detik… (Ctrl-C untuk berhenti)',
      '* Tersambung kembali ke server.',
      '> kenalan',
      '< Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
    ])
    expect(new Set(ids).size).toBe(1)
  })

  test('gives up on a server that stays down when told to, with exit code 1', async () => {
    const { io, output } = captureIo(fromLines(['kenalan']))
    const code = await runChatSession({
      client: createSimulatorClient({
        baseUrl: 'http://sim',
        fetch: () => Promise.reject(new TypeError('fetch failed')),
      }),
      io,
      url: 'http://sim',
      from: 't5',
      retryIntervalMs: 5,
      giveUpAfterMs: 30,
    })
    expect(code).toBe(1)
    expect(output.at(-1)).toBe('* Menyerah: server kaderbot di http://sim tidak bisa dihubungi.')
  })

  test('without the admin token a guarded simulator stops the chat with one line', async () => {
    await buildApp(TOKEN)
    const { io, output } = captureIo(fromLines(['kenalan']))
    const code = await runChatSession({
      client: createSimulatorClient({ baseUrl: 'http://sim', fetch: viaApp }),
      io,
      url: 'http://sim',
      from: 't6',
    })
    expect(code).toBe(1)
    expect(output).toEqual([
      '* Server meminta token admin, atau tokennya salah. Jalankan dengan --token atau ADMIN_TOKEN.',
    ])
    const withToken = captureIo(fromLines(['kenalan']))
    const ok = await runChatSession({
      client: createSimulatorClient({ baseUrl: 'http://sim', token: TOKEN, fetch: viaApp }),
      io: withToken.io,
      url: 'http://sim',
      from: 't6',
    })
    expect(ok).toBe(0)
    expect(withToken.output.at(-1)).toBe('< Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?')
  })

  test('sends a location and a photo file, and explains what it cannot do', async () => {
    const posted: unknown[] = []
    const { io, output } = captureIo(
      fromLines([
        '/pilih 1',
        '/lokasi 100,1',
        '/lokasi -7.98, 112.63',
        '/foto /no/such.jpg',
        '/foto pic.png',
        '/keluar',
        'never sent',
      ])
    )
    const code = await runChatSession({
      client: createSimulatorClient({
        baseUrl: 'http://sim',
        fetch: (url, init) => {
          if (init.method === 'POST') posted.push(JSON.parse(String(init.body)))
          return viaApp(url, init)
        },
      }),
      io,
      url: 'http://sim',
      from: 't1',
      readFile: async (path) => {
        if (path !== 'pic.png') throw new Error('ENOENT')
        return Buffer.from('not really a picture')
      },
    })
    expect(code).toBe(0)
    expect(output.filter((line) => /^[>*] /.test(line))).toEqual([
      '> /pilih 1',
      '* Belum ada pesan bot dengan pilihan untuk ditekan.',
      '> /lokasi 100,1',
      '* Tulis /lokasi lintang,bujur, misalnya /lokasi -7.8925,112.6658.',
      '> /lokasi -7.98, 112.63',
      '> /foto /no/such.jpg',
      '* Berkas foto /no/such.jpg tidak bisa dibaca.',
      '> /foto pic.png',
      '> /keluar',
    ])
    expect(output).toContain(
      '< Maaf, jenis pesan ini belum bisa saya baca. Mohon ketik jawabannya.'
    )
    expect(posted).toEqual([
      expect.objectContaining({ from: 't1', location: { lat: -7.98, lng: 112.63 } }),
      expect.objectContaining({
        from: 't1',
        photo: { base64: Buffer.from('not really a picture').toString('base64') },
      }),
    ])
  })
})

/** Calls the app in-process, as `fetch` would over the network. */
function viaApp(url: string, init: RequestInit): Promise<Response> {
  return Promise.resolve(app.request(url, init, LOOPBACK))
}

function captureIo(lines: AsyncIterable<string>) {
  const output: string[] = []
  return {
    output,
    io: { lines, print: (printed: string[]) => output.push(...printed), interactive: false },
  }
}

async function* fromLines(lines: string[]): AsyncIterable<string> {
  yield* lines
}

/** Lines pushed by the test while the session runs, ended by `end()`. */
function controlledLines() {
  const queue: string[] = []
  let ended = false
  let wake: (() => void) | undefined
  const iterable: AsyncIterable<string> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) {
          yield queue.shift()!
          continue
        }
        if (ended) return
        await new Promise<void>((resolve) => (wake = resolve))
      }
    },
  }
  return {
    iterable,
    push: (line: string) => {
      queue.push(line)
      wake?.()
    },
    end: () => {
      ended = true
      wake?.()
    },
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function runCli(
  args: string[],
  input: string
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/chat-cli.ts', ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin.end(input === '' ? '' : `${input}\n`)
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}
