/**
 * A flood of forged WhatsApp webhooks from a separate Node process, so that the flood's own
 * work does not share the server's event loop: `concurrency` requests in flight for `durationMs`,
 * each a POST of a small payload with a well-formed but wrong `X-Hub-Signature-256`. Resolves
 * with how many were sent and the statuses they got.
 * @module
 */
import { spawn } from 'node:child_process'

export type FloodResult = { sent: number; statuses: Record<string, number>; ms: number }

const FLOODER = `
const [url, concurrency, durationMs] = process.argv.slice(1)
const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [] }] })
const headers = { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) }
const statuses = {}
let sent = 0
const started = performance.now()
const until = Date.now() + Number(durationMs)
async function worker() {
  while (Date.now() < until) {
    sent++
    const status = await fetch(url, { method: 'POST', headers, body }).then(
      async (r) => { await r.arrayBuffer(); return r.status },
      () => 'error'
    )
    statuses[status] = (statuses[status] ?? 0) + 1
  }
}
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => {
  process.stdout.write(JSON.stringify({ sent, statuses, ms: performance.now() - started }))
})
`

export function floodForgedWebhooks(
  url: string,
  options: { concurrency: number; durationMs: number }
): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        FLOODER,
        `${url}/webhook/whatsapp`,
        String(options.concurrency),
        String(options.durationMs),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`flooder exited with ${code}`))
      else resolve(JSON.parse(out) as FloodResult)
    })
  })
}
