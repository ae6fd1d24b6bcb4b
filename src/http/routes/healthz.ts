import { Hono } from 'hono'

export type HealthDeps = {
  /** Resolves when the database answers a trivial query. */
  pingDatabase: () => Promise<void>
  databaseKind: 'postgres' | 'pglite'
}

/**
 * `GET /healthz`: 200 while the database answers, 503 when it does not (docs/design.md#contracts).
 * Probes that arrive while a ping is under way share it, so a burst of probes is one query.
 */
export function healthRoutes(deps: HealthDeps): Hono {
  let inFlight: Promise<boolean> | undefined
  const ping = () =>
    (inFlight ??= deps
      .pingDatabase()
      .then(
        () => true,
        () => false
      )
      .finally(() => (inFlight = undefined)))
  return new Hono().get('/healthz', async (c) => {
    if (await ping()) return c.json({ status: 'ok', database: deps.databaseKind })
    return c.json({ status: 'unavailable', database: deps.databaseKind }, 503)
  })
}
