import { Hono } from 'hono'

export type HealthDeps = {
  /** Resolves when the database answers a trivial query. */
  pingDatabase: () => Promise<void>
  databaseKind: 'postgres' | 'pglite'
}

/** `GET /healthz`: 200 while the database answers, 503 when it does not (DESIGN contracts). */
export function healthRoutes(deps: HealthDeps): Hono {
  return new Hono().get('/healthz', async (c) => {
    try {
      await deps.pingDatabase()
      return c.json({ status: 'ok', database: deps.databaseKind })
    } catch {
      return c.json({ status: 'unavailable', database: deps.databaseKind }, 503)
    }
  })
}
