/**
 * @module The start-up baseline: Node with tsx and a bare Hono app answering `GET /healthz` 200
 * on `PORT`, started the same way as `npm start`. Stops on SIGTERM.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono().get('/healthz', (c) => c.json({ status: 'ok' }))
const server = serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: '127.0.0.1' })
process.on('SIGTERM', () => server.close(() => process.exit(0)))
