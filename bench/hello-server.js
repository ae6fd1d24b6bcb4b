// @ts-check
/**
 * @module The start-up baseline: plain JavaScript on Node with a bare Hono app answering
 * `GET /healthz` 200 on `PORT`, started the same way as the built bot (`node dist/main.js`).
 * Stops on SIGTERM.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono().get('/healthz', (c) => c.json({ status: 'ok' }))
const server = serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: '127.0.0.1' })
process.on('SIGTERM', () => server.close(() => process.exit(0)))
