/**
 * One WhatsApp socket per number across replicas (docs/design.md P8): a session
 * advisory lock held on a dedicated connection (its own one-connection client, not the pool), open
 * for as long as this process holds the lock. When the process dies its connection closes and
 * Postgres releases the lock, so a standby replica's next `tryAcquire` wins; when only the
 * connection dies, `stillHeld` sees that the reconnected session no longer holds it. On PGlite (one
 * process, one session) the lock is held trivially.
 * @module
 */
import type { Sql } from 'postgres'
import { createSessionClient } from '../client.js'

/** First key of the two-int advisory lock space used for WhatsApp sockets (apart from migrations). */
export const WHATSAPP_LOCK_CLASS = 7_281_006

/** Where the lock lives: a Postgres server, or a single process (PGlite) that holds it trivially. */
export type LeaderLockTarget = { kind: 'single' } | { kind: 'postgres'; databaseUrl: string }

/** A lock query that does not answer within this time counts as a lost lock. */
const QUERY_TIMEOUT_MS = 5_000

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('lock query timed out')), QUERY_TIMEOUT_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** The channel's `WhatsAppLeaderLock`, met structurally (db/ does not import channels). */
export type LeaderLock = {
  tryAcquire: () => Promise<boolean>
  stillHeld: () => Promise<boolean>
  release: () => Promise<void>
}

export function createWhatsAppLeaderLock(target: LeaderLockTarget, sessionId: string): LeaderLock {
  if (target.kind === 'single') {
    return {
      tryAcquire: async () => true,
      stillHeld: async () => true,
      release: async () => undefined,
    }
  }
  const databaseUrl = target.databaseUrl
  let client: Sql | undefined

  async function drop(): Promise<void> {
    const current = client
    client = undefined
    await current?.end({ timeout: 1 }).catch(() => undefined)
  }

  async function stillHeld(): Promise<boolean> {
    if (!client) return false
    try {
      const [row] = await withTimeout(client<{ ok: boolean }[]>`
        select exists (
          select 1 from pg_locks
          where locktype = 'advisory' and pid = pg_backend_pid() and granted
            and classid = ${WHATSAPP_LOCK_CLASS}::oid
            and objid = hashtext(${sessionId})::oid and objsubid = 2
        ) as ok`)
      if (row?.ok) return true
    } catch {
      // The connection died: Postgres released the lock with it.
    }
    await drop()
    return false
  }

  return {
    stillHeld,
    async tryAcquire() {
      if (client && (await stillHeld())) return true
      const connection = createSessionClient(databaseUrl, 'kaderbot-whatsapp-lock')
      try {
        const [row] = await withTimeout(connection<{ ok: boolean }[]>`
          select pg_try_advisory_lock(${WHATSAPP_LOCK_CLASS}, hashtext(${sessionId})) as ok`)
        if (row?.ok) {
          client = connection
          return true
        }
      } catch {
        // An unreachable database means not holding the lock.
      }
      await connection.end({ timeout: 1 }).catch(() => undefined)
      return false
    },
    async release() {
      const current = client
      if (!current) return
      await withTimeout(
        current`select pg_advisory_unlock(${WHATSAPP_LOCK_CLASS}, hashtext(${sessionId}))`
      ).catch(() => undefined)
      await drop()
    },
  }
}
