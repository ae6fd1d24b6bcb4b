/**
 * Signing a recap in the dashboard: the figures as they are now are frozen with the signer and the
 * time; signing again after a change makes the next version, and every version is kept. A recap
 * whose checks fail cannot be signed.
 * @module
 */
import { and, desc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { people, recapSignatures } from '../db/schema/index.js'
import type { DesaRecap } from './figures.js'

export type StoredSignature = {
  version: number
  signedBy: string
  signedAt: Date
  verificationCode: string
  /** The figures as signed differ from the figures now. */
  changedSince: boolean
}

/** The latest signature of a desa's recap of a month, compared with the figures now. */
export async function latestSignature(
  db: DbOrTx,
  recap: DesaRecap
): Promise<StoredSignature | null> {
  const [row] = await db
    .select({
      version: recapSignatures.version,
      signedBy: people.name,
      signedAt: recapSignatures.signedAt,
      verificationCode: recapSignatures.verificationCode,
    })
    .from(recapSignatures)
    .innerJoin(people, eq(people.id, recapSignatures.signedBy))
    .where(
      and(eq(recapSignatures.regionCode, recap.desa.code), eq(recapSignatures.period, recap.period))
    )
    .orderBy(desc(recapSignatures.version))
    .limit(1)
  if (!row) return null
  return { ...row, changedSince: row.verificationCode !== recap.verificationCode }
}

export type SignResult =
  | { status: 'signed'; version: number }
  | { status: 'checks_failed'; count: number }
  /** Already signed with these very figures: nothing new to sign. */
  | { status: 'unchanged'; version: number }

/** Signs the recap as it is, as the next version. */
export async function signRecap(
  db: DbOrTx,
  params: { recap: DesaRecap; signerId: number; now: Date }
): Promise<SignResult> {
  const { recap } = params
  if (recap.checks.length > 0) return { status: 'checks_failed', count: recap.checks.length }
  const latest = await latestSignature(db, recap)
  if (latest && !latest.changedSince) return { status: 'unchanged', version: latest.version }
  const version = (latest?.version ?? 0) + 1
  await db.insert(recapSignatures).values({
    level: 'desa',
    regionCode: recap.desa.code,
    period: recap.period,
    version,
    templateVersion: recap.template.version,
    figures: Object.fromEntries(Object.entries(recap.figures).map(([id, f]) => [id, f.value])),
    verificationCode: recap.verificationCode,
    signedBy: params.signerId,
    signedAt: params.now,
  })
  return { status: 'signed', version }
}
