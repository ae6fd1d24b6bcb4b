/**
 * Broadcasts: what the `/siaran` flow, the dashboard and the REST API call. A broadcast
 * is stored with its segment and planned as a fire (`broadcast:<id>`, docs/design.md P7) due at its
 * time; the fire fans it out into bulk outbox rows (`fanOutBroadcast`). A broadcast for now fans
 * out through the same function in the creating transaction, so it starts without waiting for a
 * tick. Supervisors reach only their own region (docs/domain.md, decision 4), admins and the API
 * everywhere, nobody else. Every broadcast, and its
 * cancellation and final counts, is written to `audit_log`.
 * @module
 */
import { z } from 'zod'
import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import {
  type BroadcastRow,
  countBroadcastRecipients,
  enqueueBroadcastMessages,
  findBroadcast,
  insertBroadcast,
  insertSkippedRecipients,
  listBroadcastRows,
  listSegmentMembers,
  lockBroadcast,
  skipQueuedBroadcastMessages,
  updateBroadcast,
} from '../db/queries/broadcasts.js'
import { cancelFires, planFires } from '../db/queries/fires.js'
import { people } from '../db/schema/index.js'
import {
  BROADCAST_MESSAGE_KEY,
  type BroadcastStatus,
  MAX_BROADCAST_TEXT,
  type Segment,
  type SkipReason,
  personalize,
  segmentSchema,
} from '../domain/broadcasts.js'
import { KABUPATEN_CODE, type Role, coversRegion } from '../domain/people.js'
import { PRIORITY } from '../domain/priorities.js'
import type { TextRenderer } from '../messaging/render.js'
import { countSegment, pickRecipients } from './segments.js'
import { recordAudit } from '../db/queries/audit.js'

export { segmentSchema, countSegment }
export type { Segment, BroadcastStatus }

/**
 * Who broadcasts: a person, or the API. An API author may name itself for the audit log
 * (`api:token:3`) and be limited to a region (an issued token's); absent: everywhere.
 */
export type BroadcastAuthor =
  { personId: number } | { source: 'api'; actor?: string; regionPrefix?: string }

export const BROADCAST_SEND_KIND = 'broadcast.send'
export const BROADCAST_PROGRESS_KIND = 'broadcast.progress'
/** A scheduled broadcast found this late (the server was down) is still sent. */
const SEND_GRACE_SECONDS = 6 * 3600
/** How often the author hears how far it got. */
export const PROGRESS_INTERVAL_MS = 60_000

export const broadcastTextSchema = z.string().trim().min(1).max(MAX_BROADCAST_TEXT)

/** The author may not broadcast (not an admin or supervisor), or not to that region. */
export class BroadcastForbiddenError extends Error {
  readonly code = 'BROADCAST_FORBIDDEN' as const
  constructor(message: string) {
    super(message)
    this.name = 'BroadcastForbiddenError'
  }
}

type ResolvedAuthor = {
  actor: string
  personId: number | null
  /** The region the author may reach; null: everywhere. */
  scopeCode: string | null
  isAdmin: boolean
}

/** Who may broadcast where: admins and the API everywhere, supervisors within their region. */
async function resolveAuthor(db: DbOrTx, author: BroadcastAuthor): Promise<ResolvedAuthor> {
  if ('source' in author) {
    const region = author.regionPrefix
    return {
      actor: author.actor ?? 'api',
      personId: null,
      scopeCode: region === undefined || region === KABUPATEN_CODE ? null : region,
      isAdmin: true,
    }
  }
  const [person] = await db
    .select({ roles: people.roles, regionCode: people.regionCode, status: people.status })
    .from(people)
    .where(eq(people.id, author.personId))
  const roles: Role[] = person?.status === 'active' ? person.roles : []
  const actor = `person:${author.personId}`
  if (roles.includes('admin')) {
    return { actor, personId: author.personId, scopeCode: null, isAdmin: true }
  }
  if (roles.includes('supervisor')) {
    return { actor, personId: author.personId, scopeCode: person!.regionCode, isAdmin: false }
  }
  throw new BroadcastForbiddenError('only admins and supervisors broadcast')
}

/** The scope the author may use for this segment; refuses a region outside it. */
function scopeFor(author: ResolvedAuthor, segment: Segment): string | null {
  if (author.scopeCode === null) return null
  if (segment.region && !coversRegion(author.scopeCode, segment.region)) {
    throw new BroadcastForbiddenError('segment region outside the author scope')
  }
  return author.scopeCode
}

export type CreateBroadcastInput = {
  author: BroadcastAuthor
  segment: Segment
  text: string
  photoRef?: string
  /** When to send; absent or past: now. */
  at?: Date
  now: Date
  /** The zone of the segment's conditions (`TZ_NAME`). */
  timeZone: string
  /**
   * Given, a broadcast for now fans out at once, in the caller's transaction, through the fire's
   * own `fanOutBroadcast` (the caller wakes the sender after commit); without it, the next
   * scheduler tick runs its fire.
   */
  fanOut?: FanOutDeps
}

/**
 * Stores a broadcast and plans its sending at `at` (or now: fanned out at once with `fanOut`;
 * call it in a transaction then). Throws `BroadcastForbiddenError` for an author without the
 * right, and a zod error for a bad segment or text.
 */
export async function createBroadcast(
  db: DbOrTx,
  input: CreateBroadcastInput
): Promise<{ id: number; recipients: number; status: BroadcastStatus }> {
  const segment = segmentSchema.parse(input.segment)
  const text = broadcastTextSchema.parse(input.text)
  const author = await resolveAuthor(db, input.author)
  const scopeCode = scopeFor(author, segment)
  const at = input.at && input.at > input.now ? input.at : input.now
  const recipients = await countSegment(db, segment, {
    ...(scopeCode ? { scope: { regionPrefix: scopeCode } } : {}),
    now: input.now,
    timeZone: input.timeZone,
  })
  const row = await insertBroadcast(db, {
    authorPersonId: author.personId,
    authorSource: author.personId === null ? 'api' : 'chat',
    segment,
    scopeCode,
    text,
    photoRef: input.photoRef ?? null,
    at,
    status: 'scheduled',
    recipients,
    createdAt: input.now,
  })
  await recordAudit(db, {
    actor: author.actor,
    action: 'broadcast_created',
    subject: `broadcast:${row.id}`,
    detail: { segment, scopeCode, recipients, at: at.toISOString(), photo: !!input.photoRef },
    at: input.now,
  })
  if (input.fanOut && at <= input.now) {
    const fanned = await fanOut(db, input.fanOut, row.id, input.now)
    return { id: row.id, recipients: fanned.recipients, status: 'sending' }
  }
  await planFires(db, [
    {
      kind: BROADCAST_SEND_KIND,
      dedupeKey: sendKey(row.id),
      dueAt: at,
      graceSeconds: SEND_GRACE_SECONDS,
      payload: { broadcastId: row.id },
    },
  ])
  return { id: row.id, recipients, status: row.status }
}

export type BroadcastStatusReport = {
  id: number
  status: BroadcastStatus
  recipients: number
  sent: number
  failed: number
  skipped: number
  /** Why people were skipped (admins see how many are unreachable). */
  skippedByReason: Record<SkipReason, number>
  at: Date
  createdAt: Date
}

async function statusOf(db: DbOrTx, row: BroadcastRow): Promise<BroadcastStatusReport> {
  const base = { id: row.id, status: row.status, at: row.at, createdAt: row.createdAt }
  if (row.fannedOutAt === null) {
    return {
      ...base,
      recipients: row.recipients,
      sent: 0,
      failed: 0,
      skipped: 0,
      skippedByReason: { opted_out: 0, unreachable: 0, no_identity: 0, no_consent: 0 },
    }
  }
  const counts = await countBroadcastRecipients(db, row.id)
  return {
    ...base,
    recipients: counts.recipients,
    sent: counts.sent,
    failed: counts.failed,
    skipped: counts.skipped,
    skippedByReason: counts.skippedByReason,
  }
}

/** The region a broadcast reaches: its segment's, else its author's scope, else the kabupaten. */
export function broadcastReach(row: { segment: Segment; scopeCode: string | null }): string {
  return row.segment.region ?? row.scopeCode ?? KABUPATEN_CODE
}

/**
 * Where a broadcast stands: `recipients` people, of whom so many sent, failed, skipped. With
 * `regionPrefix`, a broadcast reaching beyond that region is not found.
 */
export async function getBroadcastStatus(
  db: DbOrTx,
  id: number,
  regionPrefix?: string
): Promise<BroadcastStatusReport | undefined> {
  const row = await findBroadcast(db, id)
  if (!row) return undefined
  if (regionPrefix !== undefined && !coversRegion(regionPrefix, broadcastReach(row))) {
    return undefined
  }
  return statusOf(db, row)
}

export type BroadcastListItem = BroadcastStatusReport & {
  segment: Segment
  text: string
  author: BroadcastAuthor
}

/** A page of broadcasts, oldest first; `next` is the last id when more may follow. */
export async function listBroadcasts(
  db: DbOrTx,
  page: { limit: number; afterId?: number; since?: Date; regionPrefix?: string }
): Promise<{ data: BroadcastListItem[]; next: number | null }> {
  const rows = await listBroadcastRows(db, page)
  const data: BroadcastListItem[] = []
  for (const row of rows) {
    data.push({
      ...(await statusOf(db, row)),
      segment: row.segment,
      text: row.text,
      author: row.authorPersonId === null ? { source: 'api' } : { personId: row.authorPersonId },
    })
  }
  return { data, next: rows.length === page.limit ? (rows.at(-1)?.id ?? null) : null }
}

/**
 * The broadcasts an author may still cancel (waiting for their time, or being sent): their own,
 * or all for an admin.
 */
export async function listCancellableBroadcasts(
  db: DbOrTx,
  by: BroadcastAuthor
): Promise<BroadcastRow[]> {
  const author = await resolveAuthor(db, by).catch(() => undefined)
  if (!author) return []
  return listBroadcastRows(db, {
    limit: 20,
    status: ['scheduled', 'sending'],
    authorPersonId: author.isAdmin ? undefined : (author.personId ?? undefined),
  })
}

/**
 * Cancels a broadcast that has not finished: a scheduled one never goes out (its fire is
 * dropped); of one being sent, the messages still queued are dropped (`skipped`, reason
 * `cancelled`) and those a sender holds go out. Cancelling a cancelled broadcast again is a
 * no-op that answers `cancelled`; a finished one is `too_late`. The author or an admin (or the
 * API) may; anyone else is told it was not found. Call it in a transaction.
 */
export async function cancelBroadcast(
  db: DbOrTx,
  id: number,
  by: BroadcastAuthor,
  now: Date
): Promise<'cancelled' | 'not_found' | 'too_late'> {
  const author = await resolveAuthor(db, by).catch(() => undefined)
  const row = await lockBroadcast(db, id)
  if (!row || !author) return 'not_found'
  if (!author.isAdmin && row.authorPersonId !== author.personId) return 'not_found'
  // An API token limited to a region cancels only what reaches within it.
  if (author.scopeCode !== null && !coversRegion(author.scopeCode, broadcastReach(row))) {
    return 'not_found'
  }
  if (row.status === 'cancelled') return 'cancelled'
  if (row.status === 'done') return 'too_late'
  const dropped = row.status === 'sending' ? await skipQueuedBroadcastMessages(db, id) : 0
  await updateBroadcast(db, id, { status: 'cancelled', cancelledAt: now })
  await cancelFires(db, [sendKey(id)])
  await recordAudit(db, {
    actor: author.actor,
    action: 'broadcast_cancelled',
    subject: `broadcast:${id}`,
    ...(row.status === 'sending' ? { detail: { dropped } } : {}),
    at: now,
  })
  return 'cancelled'
}

/** What a fan-out needs: the texts, and the zone of the segment's conditions (`TZ_NAME`). */
export type FanOutDeps = { i18n: TextRenderer; timeZone: string }

/**
 * Sends a scheduled broadcast at its time: one bulk outbox row per reachable person, each
 * rendered with their name; the opted-out and unreachable are recorded as skipped. Runs once:
 * the row is locked and must still be `scheduled`. Returns the number of messages queued.
 */
export async function fanOutBroadcast(
  tx: DbOrTx,
  deps: FanOutDeps,
  id: number,
  now: Date
): Promise<number> {
  return (await fanOut(tx, deps, id, now)).queued
}

/** The fan-out itself: resolves to the messages queued and the people in the segment. */
async function fanOut(
  tx: DbOrTx,
  deps: FanOutDeps,
  id: number,
  now: Date
): Promise<{ queued: number; recipients: number }> {
  const row = await lockBroadcast(tx, id)
  if (!row || row.status !== 'scheduled') return { queued: 0, recipients: row?.recipients ?? 0 }
  const members = await listSegmentMembers(tx, {
    segment: row.segment,
    scopeCode: row.scopeCode,
    at: now,
    timeZone: deps.timeZone,
  })
  const { deliver, skip } = pickRecipients(members)
  await enqueueBroadcastMessages(tx, {
    broadcastId: id,
    priority: PRIORITY.bulk,
    messages: deliver.map((d) => ({
      personId: d.personId,
      channel: d.channel,
      recipientId: d.recipientId,
      message: {
        text: renderBroadcastText(deps.i18n, row.text, d.name),
        ...(row.photoRef ? { media: { kind: 'photo' as const, ref: row.photoRef } } : {}),
      },
    })),
  })
  await insertSkippedRecipients(tx, { broadcastId: id, skipped: skip })
  await updateBroadcast(tx, id, { status: 'sending', recipients: members.length, fannedOutAt: now })
  await planProgressCheck(tx, id, now)
  return { queued: deliver.length, recipients: members.length }
}

/** The message one recipient reads: the author's text with their name, and the opt-out line. */
export function renderBroadcastText(i18n: TextRenderer, text: string, name: string): string {
  return i18n.render({ key: BROADCAST_MESSAGE_KEY, params: { text: personalize(text, name) } })
}

/** Plans the next progress check of a broadcast being sent (idempotent per moment). */
export async function planProgressCheck(tx: DbOrTx, id: number, now: Date): Promise<void> {
  const dueAt = new Date(now.getTime() + PROGRESS_INTERVAL_MS)
  await planFires(tx, [
    {
      kind: BROADCAST_PROGRESS_KIND,
      dedupeKey: `broadcast:${id}:progress:${dueAt.toISOString()}`,
      dueAt,
      graceSeconds: 24 * 3600,
      payload: { broadcastId: id },
    },
  ])
}

function sendKey(id: number): string {
  return `broadcast:${id}`
}
