/**
 * A small HTTP load balancer for the reliability tests: each request goes to the next upstream in
 * turn, as a round-robin balancer in front of several replicas does. An upstream that does not
 * answer (killed, refusing connections) costs that request a 502, as a real balancer without
 * health checks answers; the caller retries, as Telegram retries a webhook that did not answer 200.
 * @module
 */
import {
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request,
} from 'node:http'
import type { AddressInfo } from 'node:net'

export type RoundRobinProxy = {
  url: string
  /** Requests sent to each upstream (by its index) and the 502s answered for it. */
  stats: { forwarded: number[]; failed: number[] }
  close: () => Promise<void>
}

/** Starts the proxy on a free loopback port in front of `upstreams` (base URLs). */
export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  const targets = upstreams.map((upstream) => new URL(upstream))
  const stats = { forwarded: targets.map(() => 0), failed: targets.map(() => 0) }
  let next = 0

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const index = next
    next = (next + 1) % targets.length
    const target = targets[index]!
    stats.forwarded[index]!++
    const upstream = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      }
    )
    upstream.on('error', () => {
      stats.failed[index]!++
      if (!outgoing.headersSent) outgoing.writeHead(502).end()
      else outgoing.destroy()
    })
    incoming.pipe(upstream)
  }

  const server: Server = createServer(forward)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
