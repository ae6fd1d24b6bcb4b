/**
 * One sender per channel across replicas (docs/design.md P6, P8): the sender of a channel sends
 * only while it holds that channel's lease, a Postgres session advisory lock held on the lease's
 * own one-connection client (not the app's pool, whose connections it would otherwise keep).
 * Postgres releases the lock when that session ends, so when the holder's process dies, a standby's
 * next check (every `checkMs`) takes it over. When only the connection is cut, postgres.js
 * reconnects the client on the next check, which then sees another backend pid and gives the lease
 * up (a reserved pool connection cannot do this: postgres.js 3.4 throws an uncaught TypeError when
 * a query runs on a reserved connection the server closed). PGlite is one process behind a lock
 * file, so there the lease is always held.
 * @module
 */
import { createSessionClient } from '../db/client.js'
import type { ChannelName } from '../domain/messages.js'
import type { Logger } from '../lib/logger.js'
import { describeError } from '../lib/redact.js'

export type ChannelLease = {
  /** True while this replica may send on the channel. */
  held: () => boolean
  /** Starts checking; `onChange` hears every gain and loss. */
  start: (onChange: (held: boolean) => void) => void
  /** Stops checking and releases the lock, so a standby takes over at its next check. */
  stop: () => Promise<void>
}

/** Makes the lease of one channel. */
export type LeaseFactory = (channel: ChannelName) => ChannelLease

/** The first key of the two-key advisory lock form: "outbox sender" (the migration lock uses one bigint). */
export const OUTBOX_LEASE_CLASS = 4_242_001

/** The second key, per channel (fixed, so every replica agrees). */
export const OUTBOX_LEASE_KEYS: Record<ChannelName, number> = {
  simulator: 1,
  telegram: 2,
  whatsapp: 3,
}

/** The lease of a single process (PGlite): always held. */
export const soleLease: LeaseFactory = () => ({
  held: () => true,
  start: (onChange) => onChange(true),
  stop: async () => undefined,
})

export type AdvisoryLeaseOptions = {
  /** The server to hold the locks on; each lease opens its own one-connection client. */
  databaseUrl: string
  logger: Logger
  /** How often the holder checks its session and a standby tries to take over (default 1 s). */
  checkMs?: number
}

/** Leases backed by Postgres advisory locks, one dedicated connection per channel. */
export function advisoryLeases(options: AdvisoryLeaseOptions): LeaseFactory {
  return (channel) => createAdvisoryLease(options, channel)
}

function createAdvisoryLease(options: AdvisoryLeaseOptions, channel: ChannelName): ChannelLease {
  const key = OUTBOX_LEASE_KEYS[channel]
  const checkMs = options.checkMs ?? 1000
  // The process id in the session's name tells an operator (pg_stat_activity) which replica sends.
  const connection = createSessionClient(
    options.databaseUrl,
    `kaderbot-outbox-lease-${process.pid}`
  )
  let heldPid: number | undefined
  let timer: NodeJS.Timeout | undefined
  let checking: Promise<void> | undefined
  let stopped = false
  let notify: (held: boolean) => void = () => undefined

  const setHeld = (pid: number | undefined) => {
    const was = heldPid !== undefined
    heldPid = pid
    const is = heldPid !== undefined
    if (was !== is) {
      options.logger.info({ channel, held: is }, is ? 'outbox lease taken' : 'outbox lease lost')
      notify(is)
    }
  }

  async function check(): Promise<void> {
    let timeout: NodeJS.Timeout | undefined
    let query: Promise<unknown> | undefined
    try {
      // Same backend as when we took it: still ours (a session lock ends only with its session).
      const pending = connection<{ pid: number; held: boolean }[]>`
        select pg_backend_pid() as pid,
          case when pg_backend_pid() = ${heldPid ?? -1}::int then true
               else pg_try_advisory_lock(${OUTBOX_LEASE_CLASS}::int, ${key}::int) end as held`
      query = pending
      // A check that does not answer (a network partition) counts as a lost lease.
      const [row] = await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error('lease check timed out')), 3 * checkMs)
        }),
      ])
      if (stopped) return
      setHeld(row?.held ? row.pid : undefined)
    } catch (error) {
      options.logger.warn({ channel, error: describeError(error) }, 'outbox lease check failed')
      setHeld(undefined)
      // Should the hung check still take the lock later, let it go: the session stays ours.
      void (query ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => connection`select pg_advisory_unlock_all()`)
        .catch(() => undefined)
    } finally {
      clearTimeout(timeout)
    }
  }

  const runCheck = () => {
    checking ??= check().finally(() => {
      checking = undefined
    })
    return checking
  }

  return {
    held: () => heldPid !== undefined && !stopped,
    start(onChange) {
      notify = onChange
      stopped = false
      void runCheck()
      timer = setInterval(() => void runCheck(), checkMs)
      timer.unref()
    },
    async stop() {
      stopped = true
      if (timer) clearInterval(timer)
      await checking
      heldPid = undefined
      // Ending the session releases its locks; a standby takes over at its next check.
      await connection.end({ timeout: 1 }).catch(() => undefined)
    },
  }
}
