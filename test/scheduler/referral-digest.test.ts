/**
 * The supervisors' weekly digest of overdue referrals, through the fires table with a moved clock.
 */
import { asc } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { linkIdentity } from '../../src/db/queries/identities.js'
import {
  createFamily,
  createReferral,
  createVisit,
  setReferralStatus,
} from '../../src/db/queries/visits.js'
import { fires, outbox, people } from '../../src/db/schema/index.js'
import type { Role } from '../../src/domain/people.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import {
  planNextReferralDigest,
  referralDigestHandlers,
} from '../../src/scheduler/jobs/referral-digest.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { silentLogger } from '../harness/runtime.js'
import { testRegionDirectory } from '../harness/transcript.js'

const handle = useTestDb()

async function person(name: string, roles: Role[], regionCode: string, chat: string) {
  const [row] = await handle.db
    .insert(people)
    .values({ name, roles, regionCode })
    .returning({ id: people.id })
  await linkIdentity(handle.db, { personId: row!.id, channel: 'simulator', externalId: chat })
  return row!.id
}

async function referral(
  cadreId: number,
  desaCode: string,
  headName: string,
  followUpDate: string,
  status?: 'sudah_dilayani'
) {
  const family = await createFamily(handle.db, {
    headName,
    desaCode,
    createdBy: cadreId,
    consentedAt: new Date(),
  })
  const visit = await createVisit(handle.db, {
    cadreId,
    familyId: family.id,
    desaCode,
    visitDate: '2025-11-20',
    sasaran: ['balita'],
    actions: ['rujukan'],
    createdAt: new Date('2025-11-20T03:00:00Z'),
  })
  const made = await createReferral(handle.db, {
    visitId: visit.id,
    familyId: family.id,
    cadreId,
    desaCode,
    target: 'puskesmas',
    reason: 'gizi',
    followUpDate,
    createdAt: new Date('2025-11-20T03:00:00Z'),
  })
  if (status) await setReferralStatus(handle.db, { referralId: made.id, status, now: new Date() })
}

test('each supervisor gets the overdue referrals of their scope on Monday at 07.00, once a week', async () => {
  await person('Bambang', ['supervisor'], '35.07.24', 'sup-singosari')
  await person('Lastri', ['supervisor'], '35.07.25', 'sup-lawang')
  await person('Agus', ['supervisor'], '35.07.01', 'sup-donomulyo')
  const cadre = await person('Siti', ['kader'], '35.07.24.2001', 'kader-1')
  await referral(cadre, '35.07.24.2001', 'Budiono', '2025-11-27') // overdue, Wonorejo
  await referral(cadre, '35.07.24.2002', 'Sutrisno', '2025-11-25') // overdue, Dengkol
  await referral(cadre, '35.07.24.2001', 'Ahmad', '2025-12-03') // not yet due
  await referral(cadre, '35.07.24.2001', 'Wahyu', '2025-11-22', 'sudah_dilayani') // closed
  await referral(cadre, '35.07.25.2001', 'Joko', '2025-11-26') // overdue, Lawang

  // Sunday 30 November 2025, noon WIB: the first digest is Monday 1 December, 07.00 WIB.
  await planNextReferralDigest(handle.db, {
    now: new Date('2025-11-30T05:00:00Z'),
    timeZone: 'Asia/Jakarta',
  })
  const deps = {
    db: handle.db,
    logger: silentLogger,
    handlers: referralDigestHandlers({
      i18n: await testI18n(),
      directory: await testRegionDirectory(),
      timeZone: 'Asia/Jakarta',
    }),
  }
  expect(await runDueFires(deps, new Date('2025-11-30T23:59:00Z'))).toMatchObject({ done: 0 })
  expect(await runDueFires(deps, new Date('2025-12-01T00:01:00Z'))).toMatchObject({ done: 1 })
  expect(await runDueFires(deps, new Date('2025-12-01T06:00:00Z'))).toMatchObject({ done: 0 })

  const sent = await handle.db.select().from(outbox).orderBy(asc(outbox.id))
  expect(sent.map((row) => [row.recipientId, (row.message as { text: string }).text])).toEqual([
    [
      'sup-singosari',
      'Rujukan yang lewat tanggal tindak lanjut di wilayah tugas: 2 keluarga.\n• Sutrisno (Desa Dengkol), sejak 25 Nov 2025\n• Budiono (Desa Wonorejo), sejak 27 Nov 2025',
    ],
    [
      'sup-lawang',
      expect.stringMatching(
        /^Rujukan yang lewat tanggal tindak lanjut di wilayah tugas: 1 keluarga\.\n• Joko/
      ),
    ],
  ])
  const planned = await handle.db.select().from(fires).orderBy(asc(fires.id))
  expect(planned.map((f) => [f.dedupeKey, f.status])).toEqual([
    ['referral-digest:2025-12-01', 'done'],
    ['referral-digest:2025-12-08', 'pending'],
  ])
})
