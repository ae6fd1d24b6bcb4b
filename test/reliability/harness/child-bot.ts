/**
 * The real server as a child process, started the way `npm start` runs it (`node --import tsx
 * src/main.ts`, here without npm so a signal reaches the bot itself) with only the environment a
 * deployment sets. In its own process group, so `kill9()` takes down every process of it at once.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

const REPO = new URL('../../..', import.meta.url).pathname

export type ChildBot = {
  child: ChildProcess
  url: string
  /** What the process printed so far (stdout and stderr), for a failure message. */
  output: () => string
  /** SIGKILL to the whole group: no shutdown code runs. Resolves when the process is gone. */
  kill9: () => Promise<void>
  /** SIGTERM, as `docker stop` does; resolves when the group has exited. */
  stop: () => Promise<void>
}

/** Spawns the bot with `env` (PATH and HOME added) and waits for `/healthz` 200. */
export async function startChildBot(
  env: Record<string, string>,
  port: number,
  timeoutMs = 120_000
): Promise<ChildBot> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const groupGone = async (deadlineMs: number) => {
    const deadline = Date.now() + deadlineMs
    while (Date.now() < deadline) {
      try {
        process.kill(-child.pid!, 0)
      } catch {
        return true // ESRCH: nothing of the group is left
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return false
  }
  const bot: ChildBot = {
    child,
    url,
    output: () => output,
    kill9: async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
      await exited
      await groupGone(10_000)
    },
    stop: async () => {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        return
      }
      if (!(await groupGone(30_000))) {
        process.kill(-child.pid!, 'SIGKILL')
        throw new Error(`the bot did not stop within 30 s of SIGTERM:\n${output}`)
      }
    },
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the bot exited during start-up:\n${output}`)
    }
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false
    )
    if (ok) return bot
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await bot.kill9()
  throw new Error(`the bot did not answer /healthz within ${timeoutMs} ms:\n${output}`)
}

/** A free loopback port (kept across a restart, as a deployment's port is). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port'))
      )
    })
  })
}
