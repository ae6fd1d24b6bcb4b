/**
 * The outage test's TCP proxy on its own: it forwards both ways, `cut()` resets open and new
 * connections, `restore()` forwards again. Against a loopback echo server, so no database needed.
 */
import { type Server, type Socket, connect, createServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { type TcpProxy, startTcpProxy, targetOf, viaProxy } from './tcp-proxy.js'

let echo: Server
let proxy: TcpProxy

beforeEach(async () => {
  echo = createServer((socket) => {
    socket.on('error', () => undefined) // reset by the proxy's cut
    socket.pipe(socket)
  })
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()))
  const address = echo.address() as { port: number }
  proxy = await startTcpProxy({ host: '127.0.0.1', port: address.port })
})

afterEach(async () => {
  await proxy.close()
  await new Promise<void>((resolve) => echo.close(() => resolve()))
})

/** Opens a connection through the proxy; resolves once connected. */
function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: proxy.port }, () => resolve(socket))
    socket.once('error', reject)
    socket.on('error', () => undefined) // later resets are read through `ending` / `roundTrip`
  })
}

/** Writes `text` and resolves with what comes back, or rejects with the socket's error/close. */
function roundTrip(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = ''
    const onData = (chunk: Buffer) => {
      received += chunk.toString()
      if (received.length >= text.length) {
        socket.off('data', onData)
        resolve(received)
      }
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.once('close', () => reject(new Error('closed')))
    socket.write(text)
  })
}

/** Resolves with the error code (or 'closed') the socket ends with. */
function ending(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
    socket.once('close', () => resolve('closed'))
  })
}

describe('tcp proxy', () => {
  test('forwards both ways', async () => {
    const socket = await open()
    expect(await roundTrip(socket, 'halo')).toBe('halo')
    expect(proxy.forwarded).toBe(1)
    expect(proxy.open).toBe(1)
    socket.destroy()
  })

  test.each(['refuse', 'reset'] as const)(
    'cut (%s) resets open connections and new ones fail; restore forwards again',
    async (mode) => {
      const socket = await open()
      expect(await roundTrip(socket, 'a')).toBe('a')
      const ended = ending(socket)
      await proxy.cut(mode)
      expect(['ECONNRESET', 'closed']).toContain(await ended)
      expect(proxy.open).toBe(0)

      if (mode === 'refuse') {
        await expect(open()).rejects.toMatchObject({ code: 'ECONNREFUSED' })
      } else {
        // Accepted by the kernel, then reset before any data.
        const during = await open().catch(() => undefined)
        if (during) await expect(roundTrip(during, 'b')).rejects.toThrow()
      }
      expect(proxy.forwarded).toBe(1)

      await proxy.restore()
      const after = await open()
      expect(await roundTrip(after, 'c')).toBe('c')
      expect(proxy.forwarded).toBe(2)
      after.destroy()
    }
  )

  test('cut (stall) holds open and new connections silent; restore delivers what was held', async () => {
    const socket = await open()
    expect(await roundTrip(socket, 'a')).toBe('a')
    await proxy.cut('stall')
    const late = roundTrip(socket, 'b')
    const during = await open()
    const duringEcho = roundTrip(during, 'c')
    const silent = await Promise.race([
      Promise.any([late, duringEcho]).then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('silent'), 300)),
    ])
    expect(silent).toBe('silent')
    expect(proxy.forwarded).toBe(1)

    await proxy.restore()
    expect(await late).toBe('b')
    expect(await duringEcho).toBe('c')
    expect(proxy.forwarded).toBe(2)
    socket.destroy()
    during.destroy()
  })

  test('rewrites a database URL to go through the proxy', () => {
    const url = 'postgres://postgres:pw@db.example:6543/kaderbot_t1?sslmode=disable'
    expect(targetOf(url)).toEqual({ host: 'db.example', port: 6543 })
    expect(viaProxy(url, { port: 41000 })).toBe(
      'postgres://postgres:pw@127.0.0.1:41000/kaderbot_t1?sslmode=disable'
    )
    expect(targetOf('postgres://postgres@127.0.0.1/x')).toEqual({ host: '127.0.0.1', port: 5432 })
  })
})
