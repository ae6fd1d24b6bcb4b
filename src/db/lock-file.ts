/**
 * @module An exclusive PID lock file, so two processes never open the same PGlite data directory
 * (PGlite has no lock of its own and two openers corrupt it).
 */
import { randomUUID } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { hostname } from 'node:os'

/** A lock file that is still being written is treated as held for this long (milliseconds). */
const UNREADABLE_GRACE_MS = 10_000

/** How often acquisition retries after removing a stale lock before giving up. */
const MAX_ATTEMPTS = 4

/** Thrown when another live process (or this one) already holds the lock file. */
export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED' as const
  readonly lockPath: string
  readonly holderPid: number | undefined

  constructor(lockPath: string, holder: LockHolder | undefined) {
    const who =
      holder === undefined
        ? 'another process (its lock file is still being written)'
        : holder.hostname !== hostname()
          ? `process ${holder.pid} on host ${holder.hostname}`
          : holder.pid === process.pid
            ? `this same process (PID ${holder.pid}), which already opened it`
            : `process ${holder.pid}`
    super(
      `The data directory is in use by ${who}: lock file ${lockPath} exists. ` +
        'Only one kaderbot process may use an embedded (PGlite) database. Stop the other process, ' +
        'or set DATABASE_URL to use PostgreSQL. If no such process runs, delete the lock file.'
    )
    this.name = 'DataDirLockedError'
    this.lockPath = lockPath
    this.holderPid = holder?.pid
  }
}

/** Who wrote a lock file: read back from its JSON content. */
export type LockHolder = { pid: number; hostname: string; token: string; createdAt: string }

/** A held lock file; `release()` removes it (only if it is still ours) and is idempotent. */
export type LockFile = { path: string; token: string; release: () => void }

/** Optional logger for lock events (paths and PIDs only, never personal data). */
export type LockFileLogger = { warn: (obj: object, msg: string) => void }

/**
 * Takes the exclusive lock file at `path` (created with O_EXCL), or throws `DataDirLockedError`
 * when a live process holds it; a lock left by a dead process on this host is taken over.
 */
export function acquireLockFile(path: string, options: { logger?: LockFileLogger } = {}): LockFile {
  const token = randomUUID()
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (tryCreate(path, token)) return createHeldLock(path, token)
    const state = readHolder(path)
    if (state.kind === 'missing') continue
    if (state.kind === 'unreadable') {
      if (state.ageMs < UNREADABLE_GRACE_MS) throw new DataDirLockedError(path, undefined)
    } else if (isHolderAlive(state.holder)) {
      throw new DataDirLockedError(path, state.holder)
    }
    if (removeStale(path, state.raw)) {
      const stalePid = state.kind === 'held' ? state.holder.pid : undefined
      options.logger?.warn({ lockPath: path, stalePid }, 'took over a stale data-directory lock')
    }
  }
  throw new DataDirLockedError(path, undefined)
}

function tryCreate(path: string, token: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o644)
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false
    throw error
  }
  try {
    const holder: LockHolder = {
      pid: process.pid,
      hostname: hostname(),
      token,
      createdAt: new Date().toISOString(),
    }
    writeSync(fd, JSON.stringify(holder) + '\n')
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  return true
}

function createHeldLock(path: string, token: string): LockFile {
  let released = false
  const release = (): void => {
    if (released) return
    released = true
    process.removeListener('exit', release)
    const state = readHolder(path)
    if (state.kind === 'held' && state.holder.token === token) {
      try {
        unlinkSync(path)
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error
      }
    }
  }
  process.on('exit', release)
  return { path, token, release }
}

type HolderState =
  | { kind: 'missing' }
  | { kind: 'unreadable'; raw: string; ageMs: number }
  | { kind: 'held'; raw: string; holder: LockHolder }

function readHolder(path: string): HolderState {
  let raw: string
  let ageMs: number
  try {
    raw = readFileSync(path, 'utf8')
    ageMs = Date.now() - statSync(path).mtimeMs
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'missing' }
    throw error
  }
  const holder = parseHolder(raw)
  return holder ? { kind: 'held', raw, holder } : { kind: 'unreadable', raw, ageMs }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const value: unknown = JSON.parse(raw)
    if (typeof value !== 'object' || value === null) return undefined
    const { pid, hostname: host, token, createdAt } = value as Record<string, unknown>
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined
    if (typeof host !== 'string' || typeof token !== 'string') return undefined
    return { pid, hostname: host, token, createdAt: typeof createdAt === 'string' ? createdAt : '' }
  } catch {
    return undefined
  }
}

/** A holder on another host cannot be checked, so it counts as alive. */
function isHolderAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true
  if (holder.pid === process.pid) return true
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    return errorCode(error) !== 'ESRCH'
  }
}

/**
 * Moves the stale lock aside atomically and deletes it, but only if what was moved is the file
 * judged stale; a fresh lock won by a racing process is put back. Returns whether it removed one.
 */
function removeStale(path: string, staleRaw: string): boolean {
  const aside = `${path}.stale-${process.pid}-${randomUUID()}`
  try {
    renameSync(path, aside)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false
    throw error
  }
  const moved = readFileSync(aside, 'utf8')
  if (moved === staleRaw) {
    unlinkSync(aside)
    return true
  }
  try {
    linkSync(aside, path)
  } catch {
    // Someone created a new lock meanwhile; the next attempt reads and judges that one.
  }
  unlinkSync(aside)
  return false
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined
}
