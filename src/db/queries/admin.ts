/**
 * Dashboard authentication: one-time login links, sessions, the cookie secret, and the audit log
 * rows the dashboard writes (docs/domain.md, decision 9). Tokens and session ids are random (32
 * bytes, base64url) and only their SHA-256 is stored, so a database dump opens nothing.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNull, lt } from 'drizzle-orm'
import type { PersonStatus, Role } from '../../domain/people.js'
import type { DbOrTx } from '../client.js'
import { adminLoginTokens, adminSessions, adminSettings, people } from '../schema/index.js'

/** How long a login link works. */
export const LOGIN_LINK_MINUTES = 10

/** How long a dashboard session lasts after login. */
export const SESSION_HOURS = 12

const COOKIE_SECRET_KEY = 'cookie_secret'

/** A fresh random token, URL-safe. */
export function createRandomToken(): string {
  return randomBytes(32).toString('base64url')
}

/** The stored form of a token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * The secret that signs dashboard cookies: made once, stored in the database, so every replica
 * and every restart shares it without a new setting (and it works without `ADMIN_TOKEN`).
 * Concurrent first calls agree: the insert does nothing when a row exists, then all read it.
 */
export async function ensureCookieSecret(db: DbOrTx): Promise<string> {
  await db
    .insert(adminSettings)
    .values({ key: COOKIE_SECRET_KEY, value: randomBytes(48).toString('base64url') })
    .onConflictDoNothing({ target: adminSettings.key })
  const rows = await db
    .select({ value: adminSettings.value })
    .from(adminSettings)
    .where(eq(adminSettings.key, COOKIE_SECRET_KEY))
  const value = rows[0]?.value
  if (value === undefined) throw new Error('cookie secret missing after insert')
  return value
}

export type CreateLoginTokenParams = { personId: number; now: Date }

/** Creates a one-time login link token for a person; returns the token (only its hash is kept). */
export async function createLoginToken(
  db: DbOrTx,
  params: CreateLoginTokenParams
): Promise<{ token: string; expiresAt: Date }> {
  const token = createRandomToken()
  const expiresAt = new Date(params.now.getTime() + LOGIN_LINK_MINUTES * 60_000)
  // Links expired a day ago are dropped as new ones are made, so the table stays small.
  await db
    .delete(adminLoginTokens)
    .where(lt(adminLoginTokens.expiresAt, new Date(params.now.getTime() - 86_400_000)))
  await db.insert(adminLoginTokens).values({
    tokenHash: hashToken(token),
    personId: params.personId,
    expiresAt,
    createdAt: params.now,
  })
  return { token, expiresAt }
}

export type ConsumeLoginTokenParams = { token: string; now: Date }

/**
 * Uses a login token once: marks it used and returns its person, or `undefined` when the token
 * is unknown, already used or expired. One `update … returning`, so two clicks race safely.
 */
export async function consumeLoginToken(
  db: DbOrTx,
  params: ConsumeLoginTokenParams
): Promise<{ personId: number } | undefined> {
  const rows = await db
    .update(adminLoginTokens)
    .set({ usedAt: params.now })
    .where(
      and(
        eq(adminLoginTokens.tokenHash, hashToken(params.token)),
        isNull(adminLoginTokens.usedAt),
        gt(adminLoginTokens.expiresAt, params.now)
      )
    )
    .returning({ personId: adminLoginTokens.personId })
  return rows[0]
}

export type CreateAdminSessionParams = {
  /** `null` for a session opened with `ADMIN_TOKEN`. */
  personId: number | null
  now: Date
}

/** Opens a session; returns the id for the cookie (only its hash is stored). */
export async function createAdminSession(
  db: DbOrTx,
  params: CreateAdminSessionParams
): Promise<{ sessionId: string; expiresAt: Date }> {
  const sessionId = createRandomToken()
  const expiresAt = new Date(params.now.getTime() + SESSION_HOURS * 3_600_000)
  // Expired sessions are dropped as new ones open, so the table stays small.
  await db.delete(adminSessions).where(lt(adminSessions.expiresAt, params.now))
  await db.insert(adminSessions).values({
    sessionHash: hashToken(sessionId),
    personId: params.personId,
    csrfToken: createRandomToken(),
    expiresAt,
    createdAt: params.now,
  })
  return { sessionId, expiresAt }
}

/** A live session: who, the forms' CSRF token, until when. */
export type AdminSession = {
  id: number
  personId: number | null
  csrfToken: string
  expiresAt: Date
}

export type FindAdminSessionParams = { sessionId: string; now: Date }

/** The live session with this id, if it exists and has not expired. */
export async function findAdminSession(
  db: DbOrTx,
  params: FindAdminSessionParams
): Promise<AdminSession | undefined> {
  const rows = await db
    .select({
      id: adminSessions.id,
      personId: adminSessions.personId,
      csrfToken: adminSessions.csrfToken,
      expiresAt: adminSessions.expiresAt,
    })
    .from(adminSessions)
    .where(
      and(
        eq(adminSessions.sessionHash, hashToken(params.sessionId)),
        gt(adminSessions.expiresAt, params.now)
      )
    )
  return rows[0]
}

/** Ends a session (logout). */
export async function deleteAdminSession(db: DbOrTx, id: number): Promise<void> {
  await db.delete(adminSessions).where(eq(adminSessions.id, id))
}

/** What the dashboard needs of a signed-in person to decide access and scope. */
export type AdminPerson = {
  id: number
  name: string
  roles: Role[]
  regionCode: string
  status: PersonStatus
}

/** The person behind a session or a login link, if they still exist. */
export async function findAdminPerson(db: DbOrTx, id: number): Promise<AdminPerson | undefined> {
  const rows = await db
    .select({
      id: people.id,
      name: people.name,
      roles: people.roles,
      regionCode: people.regionCode,
      status: people.status,
    })
    .from(people)
    .where(eq(people.id, id))
  return rows[0]
}
