/**
 * @module The closed-loop load generator: `users` scripts run with at most `concurrency` at a time,
 * each posting its requests one after the other (the next when the last was answered), over
 * keep-alive HTTP/1.1 connections (`node:http`, cheaper per request than `fetch`).
 */
import { Agent, request } from 'node:http'

/** One answered POST: status, when it was sent (`performance.now()`), and how long it took (ms). */
export type Posted = { status: number; sentAt: number; ms: number }

export type Poster = {
  post: (path: string, body: string) => Promise<Posted>
  close: () => void
}

/** A JSON poster to `baseUrl` with fixed extra headers, keeping up to `sockets` connections. */
export function createPoster(
  baseUrl: string,
  headers: Record<string, string>,
  sockets: number
): Poster {
  const url = new URL(baseUrl)
  const agent = new Agent({ keepAlive: true, maxSockets: sockets })
  const post = (path: string, body: string): Promise<Posted> =>
    new Promise((resolve, reject) => {
      const sentAt = performance.now()
      const req = request(
        {
          agent,
          hostname: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume()
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, sentAt, ms: performance.now() - sentAt })
          )
          res.on('error', reject)
        }
      )
      req.on('error', reject)
      req.end(body)
    })
  return { post, close: () => agent.destroy() }
}

/** Runs `run` for every item with at most `concurrency` running at once, in order of the list. */
export async function runClosedLoop<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T, index: number) => Promise<void>
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      await run(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}
