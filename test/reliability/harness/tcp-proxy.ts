/**
 * A TCP proxy the test controls (node:net), put between the app and Postgres to simulate an
 * outage: `cut()` resets every open connection and, until `restore()`, refuses new ones as a
 * stopped database server does (`'refuse'`: ECONNREFUSED), or accepts and at once resets them as a
 * load balancer or pooler in front of a restarting database does (`'reset'`). Either way the
 * client learns at once, rather than hanging. `'stall'` is the opposite, a blackhole (a dead
 * route, a half-open link): open connections stay open but carry nothing, new ones are accepted
 * and carry nothing, and on `restore()` what was held is delivered, as TCP retransmits it.
 * @module
 */
import { type Server, type Socket, createServer, connect } from 'node:net'

export type TcpProxy = {
  /** The loopback port the proxy listens on. */
  port: number
  /** Connections accepted and forwarded since the start (refused ones not counted). */
  readonly forwarded: number
  /** Connections open through the proxy now. */
  readonly open: number
  /** Resets every open connection; new ones are refused or reset (see the module) until restored. */
  cut: (mode?: CutMode) => Promise<void>
  /** Listens and forwards new connections again. */
  restore: () => Promise<void>
  /** Stops listening and resets what is still open. */
  close: () => Promise<void>
}

export type TcpProxyTarget = { host: string; port: number }

/** How connections fare while cut: refused or reset (see the module), or held silent. */
export type CutMode = 'refuse' | 'reset' | 'stall'

/** Starts a proxy on a free loopback port forwarding to `target`. */
export async function startTcpProxy(target: TcpProxyTarget): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>()
  let down = false
  let stalled = false
  /** Clients accepted during a stall, forwarded once it ends. */
  const held = new Set<Socket>()
  let forwarded = 0

  const forward = (client: Socket) => {
    forwarded++
    const upstream = connect({ host: target.host, port: target.port })
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    // One side ending or failing ends the other, as a real path does.
    const end = () => {
      pairs.delete(pair)
      if (!client.destroyed) client.destroy()
      if (!upstream.destroyed) upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  }

  const server: Server = createServer((client) => {
    if (stalled) {
      client.pause()
      held.add(client)
      client.on('error', () => held.delete(client)).on('close', () => held.delete(client))
      return
    }
    if (down) {
      client.resetAndDestroy()
      return
    }
    forward(client)
  })

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  await listen(0)
  const address = server.address()
  if (typeof address !== 'object' || !address) throw new Error('tcp proxy: no address')
  const port = address.port
  const stopListening = () =>
    new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))

  const resetAll = () => {
    for (const pair of [...pairs]) {
      pairs.delete(pair)
      for (const socket of pair) if (!socket.destroyed) socket.resetAndDestroy()
    }
  }

  return {
    port,
    get forwarded() {
      return forwarded
    },
    get open() {
      return pairs.size
    },
    async cut(mode = 'refuse') {
      down = true
      if (mode === 'stall') {
        stalled = true
        for (const [client, upstream] of pairs) {
          client.unpipe(upstream)
          upstream.unpipe(client)
          client.pause()
          upstream.pause()
        }
      } else if (mode === 'refuse') {
        const closed = stopListening()
        resetAll()
        await closed
      } else {
        resetAll()
      }
    },
    async restore() {
      down = false
      if (stalled) {
        stalled = false
        for (const [client, upstream] of pairs) {
          client.pipe(upstream)
          upstream.pipe(client)
        }
        for (const client of held) {
          held.delete(client)
          forward(client)
          client.resume()
        }
      }
      if (!server.listening) await listen(port)
    },
    async close() {
      down = true
      stalled = false
      const closed = stopListening()
      resetAll()
      for (const client of held) client.resetAndDestroy()
      held.clear()
      await closed
    },
  }
}

/** `url` with its host and port replaced by the proxy's (the path, user and options kept). */
export function viaProxy(url: string, proxy: Pick<TcpProxy, 'port'>): string {
  const parsed = new URL(url)
  parsed.hostname = '127.0.0.1'
  parsed.port = String(proxy.port)
  return parsed.toString()
}

/** The host and port a postgres:// URL points at (default port 5432). */
export function targetOf(url: string): TcpProxyTarget {
  const parsed = new URL(url)
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 5432) }
}
