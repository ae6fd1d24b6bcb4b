/**
 * @module Times the dashboard's heaviest pages (Ringkasan, Pelatihan) on the demo data (issue
 * 10): opens the database like the app (`DATABASE_URL`, else PGlite under `DATA_DIR`), seeds the
 * demo when the database is empty (`npm run seed:demo`), logs in with a throw-away ADMIN_TOKEN
 * through the real login form and requests each page `--runs` times (after one warm-up), printing
 * the median and the spread. Usage:
 * `DATA_DIR=/tmp/demo node --import tsx bench/dashboard.ts [--runs 10]`.
 */
import { parseArgs } from 'node:util'
import { createMediaStore } from '../src/conversation/media-store.js'
import { createDb } from '../src/db/client.js'
import { seedDemo } from '../src/demo/write.js'
import { createApp } from '../src/http/app.js'
import { createI18n } from '../src/i18n/index.js'
import { createLogger } from '../src/lib/logger.js'

const TOKEN = 'bench-dashboard-token-0123456789'
const ORIGIN = 'http://localhost'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } })
  const runs = Number(values.runs)
  const handle = await createDb({
    databaseUrl: process.env.DATABASE_URL?.trim() || undefined,
    dataDir: process.env.DATA_DIR?.trim() || './data',
  })
  try {
    const seeded = await seedDemo(handle.db, { now: new Date() })
    const period = seeded.action === 'seeded' ? seeded.plan.period : seeded.marker.period
    const logger = createLogger({ level: 'silent' })
    const app = createApp({
      logger,
      databaseKind: handle.kind,
      pingDatabase: async () => undefined,
      admin: {
        db: handle.db,
        i18n: await createI18n({ timeZone: 'Asia/Jakarta' }),
        timeZone: 'Asia/Jakarta',
        logger,
        adminToken: TOKEN,
        media: createMediaStore('/nonexistent-kaderbot-media'),
      },
    })
    const login = await app.request('/admin/login', {
      method: 'POST',
      body: new URLSearchParams({ token: TOKEN }),
      headers: { origin: ORIGIN },
    })
    const cookie = login.headers.get('set-cookie')?.split(';')[0]
    if (login.status !== 303 || !cookie) throw new Error(`login failed: ${login.status}`)
    const pages = [`/admin?bulan=${period}`, '/admin/pelatihan']
    console.log(`database: ${handle.kind}, demo month ${period}, ${runs} runs per page`)
    for (const page of pages) {
      const times: number[] = []
      for (let i = 0; i <= runs; i++) {
        const started = performance.now()
        const response = await app.request(page, { headers: { cookie } })
        await response.text()
        if (response.status !== 200) throw new Error(`${page}: ${response.status}`)
        if (i > 0) times.push(performance.now() - started)
      }
      times.sort((a, b) => a - b)
      const at = (q: number) =>
        Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!)
      console.log(`${page.padEnd(28)} median ${at(0.5)} ms  min ${at(0)} ms  max ${at(1)} ms`)
    }
  } finally {
    await handle.close()
  }
}

await main()
