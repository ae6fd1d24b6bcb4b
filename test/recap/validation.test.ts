/**
 * Validation round trip through the runtime on a real database: a cadre reports an activity by
 * chat, the supervisor's daily digest counts it, the supervisor sends it back with a reason, the
 * cadre gets the reason with "Perbaiki", corrects it by chat (the original kept, marked
 * corrected), and the correction is marked valid and counted. PGlite, or Postgres with
 * TEST_DATABASE_URL.
 */
import { asc, eq } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { listReports, reportCounts } from '../../src/db/queries/validation.js'
import { auditLog, fires, outbox, people, poktanActivities } from '../../src/db/schema/index.js'
import { reviewAndNotify } from '../../src/recap/review.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import {
  planNextValidationDigest,
  validationDigestHandlers,
} from '../../src/scheduler/jobs/validation-digest.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import {
  createTestRuntime,
  giveConsent,
  silentLogger,
  simulatorMessage,
} from '../harness/runtime.js'
import { SINGOSARI, WONOREJO } from '../harness/visits-db.js'

const handle = useTestDb()
const WIB = (local: string) => new Date(`${local}:00+07:00`)

test('report, digest, back with a reason, corrected by chat, then valid', async () => {
  const person = async (
    name: string,
    roles: ('kader' | 'supervisor')[],
    region: string,
    chat: string
  ) => {
    const [row] = await handle.db
      .insert(people)
      .values({
        name,
        roles,
        regionCode: region,
        cadreTier: roles[0] === 'kader' ? 'ppkbd' : null,
        salutation: 'ibu',
      })
      .returning({ id: people.id })
    await linkIdentity(handle.db, { personId: row!.id, channel: 'simulator', externalId: chat })
    return row!.id
  }
  const siti = await person('Siti Rahayu', ['kader'], WONOREJO, 'kader-siti')
  const yanto = await person('Yanto Prasetyo', ['supervisor'], SINGOSARI, 'pkb-yanto')
  await giveConsent(handle.db, ['kader-siti', 'pkb-yanto'])
  const { runtime } = await createTestRuntime(handle.db)
  const say = async (content: Parameters<typeof simulatorMessage>[1], at: string) =>
    (await runtime.handleInbound(simulatorMessage('kader-siti', content), WIB(at))).replies.map(
      (r) => [r.text, ...(r.choices ?? []).map((c, i) => `${i + 1}. ${c.label}`)].join('\n')
    )

  for (const text of ['kegiatan', 'BKR', 'kemarin', '10', '4', '2'])
    await say(text, '2026-11-09T16:00')
  expect(await say('kirim', '2026-11-09T16:01')).toEqual([
    'Terima kasih, Ibu. Kegiatan BKR (Bina Keluarga Remaja) tanggal Minggu, 8 November 2026 sudah tercatat dan akan diperiksa oleh PKB.',
  ])
  const [original] = await handle.db.select().from(poktanActivities)
  expect(original).toMatchObject({
    cadreId: siti,
    desaCode: WONOREJO,
    kind: 'bkr',
    activityDate: '2026-11-08',
    period: '2026-11',
    attendees: 10,
    pus: 4,
    kbUsers: 2,
    state: 'submitted',
  })

  // The daily digest at 07.00 WIB counts the report of the day before.
  await planNextValidationDigest(handle.db, {
    now: WIB('2026-11-09T20:00'),
    timeZone: 'Asia/Jakarta',
  })
  const deps = {
    db: handle.db,
    logger: silentLogger,
    handlers: validationDigestHandlers({ i18n: await testI18n(), timeZone: 'Asia/Jakarta' }),
  }
  expect(await runDueFires(deps, WIB('2026-11-10T06:59'))).toMatchObject({ done: 0 })
  expect(await runDueFires(deps, WIB('2026-11-10T07:01'))).toMatchObject({ done: 1 })
  const toYanto = await handle.db.select().from(outbox).where(eq(outbox.recipientId, 'pkb-yanto'))
  expect(toYanto.map((r) => (r.message as { text: string }).text)).toEqual([
    'Ada 1 laporan baru dari 1 kader yang menunggu validasi. Buka dasbor, menu Validasi, untuk memeriksanya.',
  ])
  expect(
    (await handle.db.select().from(fires).orderBy(asc(fires.id))).map((f) => f.dedupeKey)
  ).toEqual(['validation-digest:2026-11-10', 'validation-digest:2026-11-11'])

  // Back to the cadre with a reason: she is told, with Perbaiki.
  const i18n = await testI18n()
  const returned = await reviewAndNotify(
    handle.db,
    { i18n },
    {
      kind: 'activity',
      id: original!.id,
      decision: 'returned',
      reason: 'Jumlah PUS tidak sesuai daftar hadir.',
      reviewerId: yanto,
      regionPrefix: SINGOSARI,
      now: WIB('2026-11-10T09:00'),
      actor: `person:${yanto}`,
    }
  )
  expect(returned).toMatchObject({ status: 'reviewed', notice: 'queued' })
  const [notice] = await handle.db
    .select()
    .from(outbox)
    .where(eq(outbox.recipientId, 'kader-siti'))
    .orderBy(asc(outbox.id))
    .then((rows) => rows.slice(-1))
  const message = notice!.message as { text: string; choices: { id: string; label: string }[] }
  expect(message.text).toBe(
    'Laporan kegiatan BKR (Bina Keluarga Remaja) tanggal Minggu, 8 November 2026 dikembalikan oleh PKB untuk diperbaiki. Alasan: Jumlah PUS tidak sesuai daftar hadir.\nTekan Perbaiki untuk mengirim laporan yang benar; laporan lama tetap disimpan.'
  )
  expect(message.choices).toEqual([
    { id: `start:poktan-activity:${original!.id}`, label: 'Perbaiki' },
  ])

  // She presses Perbaiki and reports it again.
  await say({ type: 'choice', id: message.choices[0]!.id }, '2026-11-10T10:00')
  for (const text of ['BKR', '8/11', '10', '5', '3']) await say(text, '2026-11-10T10:01')
  expect(await say('kirim', '2026-11-10T10:02')).toEqual([
    'Terima kasih, Ibu. Perbaikan laporan kegiatan BKR (Bina Keluarga Remaja) tanggal Minggu, 8 November 2026 sudah tercatat dan akan diperiksa lagi oleh PKB. Laporan lama tetap disimpan.',
  ])
  const rows = await handle.db.select().from(poktanActivities).orderBy(asc(poktanActivities.id))
  expect(rows.map((r) => [r.state, r.pus, r.correctsId])).toEqual([
    ['corrected', 4, null],
    ['submitted', 5, original!.id],
  ])
  // The original cannot be corrected twice: the second press is refused kindly.
  await say({ type: 'choice', id: message.choices[0]!.id }, '2026-11-10T11:00')
  for (const text of ['BKR', '8/11', '10', '5', '3']) await say(text, '2026-11-10T11:01')
  expect(await say('kirim', '2026-11-10T11:02')).toEqual([
    'Laporan kegiatan itu tidak bisa diperbaiki lagi: mungkin sudah diperbaiki atau sudah dinyatakan sah. Ketik /riwayat untuk melihat laporan Ibu.',
  ])

  const waiting = await listReports(handle.db, { regionPrefix: SINGOSARI, state: 'submitted' })
  expect(waiting.map((r) => [r.kind, r.id, r.cadreName, r.subject])).toEqual([
    ['activity', rows[1]!.id, 'Siti Rahayu', 'bkr'],
  ])
  await reviewAndNotify(
    handle.db,
    { i18n },
    {
      kind: 'activity',
      id: rows[1]!.id,
      decision: 'valid',
      reason: null,
      reviewerId: yanto,
      regionPrefix: SINGOSARI,
      now: WIB('2026-11-10T12:00'),
      actor: `person:${yanto}`,
    }
  )
  expect(
    (await reportCounts(handle.db, { period: '2026-11', desaCodes: [WONOREJO] })).get(WONOREJO)
  ).toEqual({
    valid: 1,
    waiting: 0,
    returned: 0,
  })
  // /riwayat lists both, newest first, with where each stands.
  expect(await say('riwayat', '2026-11-10T13:00')).toEqual([
    'Lima laporan terakhir Ibu. Pilih untuk melihat isinya:\n' +
      '1. Kegiatan BKR (Bina Keluarga Remaja), 8 Nov 2026 (sudah dinyatakan sah)\n' +
      '2. Kegiatan BKR (Bina Keluarga Remaja), 8 Nov 2026 (sudah diganti dengan perbaikan)',
  ])
  // A supervisor of another kecamatan does not find it.
  expect(
    await reviewAndNotify(
      handle.db,
      { i18n },
      {
        kind: 'activity',
        id: rows[1]!.id,
        decision: 'returned',
        reason: 'x',
        reviewerId: yanto,
        regionPrefix: '35.07.15',
        now: WIB('2026-11-10T12:00'),
        actor: `person:${yanto}`,
      }
    )
  ).toEqual({ status: 'not_found' })
  const audits = await handle.db.select().from(auditLog).orderBy(asc(auditLog.id))
  expect(audits.map((a) => [a.action, a.subject])).toEqual([
    ['report_returned', `activity:${original!.id}`],
    ['report_validated', `activity:${rows[1]!.id}`],
  ])
})
