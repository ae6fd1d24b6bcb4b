/**
 * /siaran and BERHENTI / STOP / MULAI through the real runtime on a database: the preview counts
 * the real segment within the supervisor's scope, the broadcast is stored, audited and sent at its
 * time; opting out is recorded with its time and respected by broadcasts, nudges and reminders.
 */
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createBroadcast, getBroadcastStatus } from '../../src/broadcasts/service.js'
import { listReminderRecipients } from '../../src/db/queries/reminders.js'
import {
  auditLog,
  broadcastRecipients,
  broadcasts,
  cohorts,
  outbox,
  people,
  trainingSessions,
} from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { broadcastHandlers } from '../../src/scheduler/jobs/broadcasts.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import {
  createRuntimeForTest,
  createTestRuntime,
  giveConsent,
  silentLogger,
  simulatorMessage,
} from '../harness/runtime.js'
import { NOW, PAGENTAN, SINGOSARI, seedRoster } from '../harness/broadcasts.js'
import type { Runtime } from '../../src/conversation/runtime.js'

let handle: TestDbHandle
let runtime: Runtime
beforeEach(async () => {
  handle = await createTestDb()
  runtime = (await createTestRuntime(handle.db)).runtime
})
afterEach(async () => {
  await handle.close()
})

const say = async (from: string, text: string, at = NOW) =>
  (await runtime.handleInbound(simulatorMessage(from, text), at)).replies.map((r) =>
    [r.text, ...(r.choices ?? []).map((c, i) => `${i + 1}. ${c.label}`)].join('\n')
  )

async function tick(at: Date) {
  const i18n = await testI18n()
  await runDueFires(
    {
      db: handle.db,
      handlers: broadcastHandlers({ i18n, timeZone: 'Asia/Jakarta' }),
      logger: silentLogger,
    },
    at
  )
}

describe('/siaran in chat', () => {
  test('a supervisor schedules a broadcast to the cadres of their kecamatan; it goes out at 07.00', async () => {
    const id = await seedRoster(handle.db)
    await giveConsent(handle.db, ['sim-joko', 'sim-siti'])
    await say('sim-joko', '/siaran')
    await say('sim-joko', 'kader')
    await say('sim-joko', 'semua desa/kelurahan')
    await say('sim-joko', 'semua')
    await say('sim-joko', 'Halo {nama}, rapat kader besok.')
    await say('sim-joko', 'lewati')
    await say('sim-joko', 'nanti')
    const [preview] = await say('sim-joko', 'besok 07.00')
    // Singosari's cadres: Siti, Ani, Dewi, Fitri (Lastri is in Lawang).
    expect(preview).toContain('Halo Joko, rapat kader besok.')
    expect(preview).toContain(
      'Penerima: Kader di Kecamatan Singosari (Semua): 4 orang\nDikirim: Selasa, 24 November 2026 pukul 07.00 WIB'
    )
    expect(await say('sim-joko', 'kirim')).toEqual([
      'Siaran dijadwalkan Selasa, 24 November 2026 pukul 07.00 WIB untuk 4 orang. Untuk membatalkannya, ketik /siaran.',
    ])
    const [stored] = await handle.db.select().from(broadcasts)
    expect(stored).toMatchObject({
      authorPersonId: id.joko,
      segment: { roles: ['kader'], region: SINGOSARI },
      scopeCode: SINGOSARI,
      status: 'scheduled',
      at: new Date('2026-11-24T00:00:00Z'),
    })
    const audit = await handle.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'broadcast_created'))
    expect(audit).toHaveLength(1)

    await tick(new Date('2026-11-24T00:00:00Z'))
    const sent = await handle.db
      .select({ to: outbox.recipientId, message: outbox.message })
      .from(outbox)
      .where(eq(outbox.priority, 2))
      .orderBy(asc(outbox.recipientId))
    expect(sent.map((s) => s.to)).toEqual(['sim-ani', 'sim-dewi', 'sim-fitri', 'sim-siti'])
    expect((sent[3]!.message as { text: string }).text).toMatch(/^Halo Siti, rapat kader besok\./)

    // A reply to the broadcast does not start or break anything: Siti's own chat carries on.
    expect(await say('sim-siti', 'menu')).toEqual([expect.stringContaining('Menu utama')])
  })

  test('a scheduled broadcast is cancelled from /siaran', async () => {
    await seedRoster(handle.db)
    await giveConsent(handle.db, ['sim-rina'])
    for (const text of [
      '/siaran',
      '1',
      '1',
      '1',
      'Rapat',
      'lewati',
      'nanti',
      'besok 07.00',
      'kirim',
    ]) {
      await say('sim-rina', text)
    }
    expect(await say('sim-rina', '/siaran')).toEqual([
      'Apa yang ingin Bapak/Ibu lakukan?\n1. Kirim siaran baru\n2. Batalkan siaran',
    ])
    expect(await say('sim-rina', '2')).toEqual([
      'Siaran mana yang ingin dibatalkan?\n1. Selasa, 24 November 2026 pukul 07.00 WIB: Rapat',
    ])
    await say('sim-rina', '1')
    expect(await say('sim-rina', 'ya')).toEqual([
      'Siaran dibatalkan. Pesan yang belum terkirim tidak akan dikirim.',
    ])
    const [row] = await handle.db.select().from(broadcasts)
    expect(row?.status).toBe('cancelled')
    await tick(new Date('2026-11-24T00:00:00Z'))
    expect(await handle.db.select().from(outbox).where(eq(outbox.priority, 2))).toEqual([])
  })

  test('a broadcast being sent is stopped from /siaran: what is still queued is dropped', async () => {
    // No sender runs, so the queue holds still while Rina looks at it.
    runtime = await createRuntimeForTest(handle.db)
    await seedRoster(handle.db)
    await giveConsent(handle.db, ['sim-rina'])
    for (const text of ['/siaran', '1', '1', '1', 'Rapat', 'lewati', 'sekarang']) {
      await say('sim-rina', text)
    }
    expect(await say('sim-rina', 'kirim')).toEqual([
      expect.stringMatching(
        /^Siaran sedang dikirim ke \d+ orang\..* Untuk menghentikannya, ketik \/siaran\.$/
      ),
    ])
    const queued = await handle.db.select().from(outbox).where(eq(outbox.priority, 2))
    expect(queued.length).toBeGreaterThan(1)
    // The sender has already delivered one message when Rina changes her mind.
    await handle.db
      .update(outbox)
      .set({ status: 'sent', sentAt: NOW })
      .where(eq(outbox.id, queued[0]!.id))

    expect(await say('sim-rina', '/siaran')).toEqual([
      'Apa yang ingin Bapak/Ibu lakukan?\n1. Kirim siaran baru\n2. Batalkan siaran',
    ])
    expect(await say('sim-rina', '2')).toEqual([
      'Siaran mana yang ingin dibatalkan?\n1. Sedang dikirim sejak Senin, 23 November 2026 pukul 08.00 WIB: Rapat',
    ])
    expect(await say('sim-rina', '1')).toEqual([
      'Batalkan siaran ini? Pesan yang belum terkirim tidak akan dikirim.\n1. Ya\n2. Tidak',
    ])
    expect(await say('sim-rina', 'ya')).toEqual([
      'Siaran dibatalkan. Pesan yang belum terkirim tidak akan dikirim.',
    ])

    const [row] = await handle.db.select().from(broadcasts)
    expect(row?.status).toBe('cancelled')
    const after = await handle.db
      .select({ status: outbox.status, skipReason: outbox.skipReason })
      .from(outbox)
      .where(eq(outbox.priority, 2))
      .orderBy(asc(outbox.id))
    expect(after[0]).toEqual({ status: 'sent', skipReason: null })
    expect(after.slice(1)).toEqual(
      after.slice(1).map(() => ({ status: 'skipped', skipReason: 'cancelled' }))
    )
    // Nothing is left to cancel: /siaran goes straight to a new broadcast.
    const [next] = await say('sim-rina', '/siaran')
    expect(next).toMatch(/^Siaran ini untuk siapa\?/)
  })

  test('a cadre is not offered /siaran', async () => {
    await seedRoster(handle.db)
    await giveConsent(handle.db, ['sim-siti'])
    const [reply] = await say('sim-siti', '/siaran')
    expect(reply).not.toContain('Siaran ini untuk siapa?')
    expect(await handle.db.select().from(broadcasts)).toEqual([])
  })
})

describe('BERHENTI / STOP / MULAI', () => {
  test('STOP and BERHENTI are recorded with their time; broadcasts and reminders skip them; MULAI resumes', async () => {
    const id = await seedRoster(handle.db)
    await giveConsent(handle.db, ['sim-siti', 'sim-putri', 'sim-rina'])
    const stopAt = new Date('2026-11-23T02:15:00Z')
    expect(await say('sim-siti', 'STOP', stopAt)).toEqual([
      'Baik, Bapak/Ibu tidak akan menerima pengingat dan pengumuman lagi. Ketik MULAI untuk menerimanya kembali.',
    ])
    await say('sim-putri', 'berhenti', stopAt)
    const optedOut = await handle.db
      .select({ name: people.name, at: people.optedOutAt })
      .from(people)
      .where(eq(people.id, id.siti))
    expect(optedOut).toEqual([{ name: 'Siti', at: stopAt }])

    // Reminders of SGS-1's next session leave Putri out.
    const [cohort] = await handle.db.select().from(cohorts).where(eq(cohorts.code, 'SGS-1'))
    const [next] = await handle.db
      .select({ id: trainingSessions.id })
      .from(trainingSessions)
      .where(eq(trainingSessions.date, '2026-11-30'))
    const reminded = await listReminderRecipients(handle.db, {
      cohortId: cohort!.id,
      sessionId: next!.id,
    })
    expect(reminded.map((r) => r.personId).sort()).toEqual([id.rani, id.tari, id.wati].sort())

    // A broadcast to the Pagentan cadres skips Siti.
    for (const text of [
      '/siaran',
      '1',
      'singosari',
      'pagentan',
      '1',
      'Rapat',
      'lewati',
      'sekarang',
      'kirim',
    ]) {
      await say('sim-rina', text, stopAt)
    }
    await tick(stopAt)
    const [first] = await handle.db.select({ id: broadcasts.id }).from(broadcasts)
    const recipients = await handle.db
      .select({ personId: broadcastRecipients.personId, reason: broadcastRecipients.skipReason })
      .from(broadcastRecipients)
      .where(eq(broadcastRecipients.broadcastId, first!.id))
      .orderBy(asc(broadcastRecipients.personId))
    expect(recipients).toEqual([
      { personId: id.siti, reason: 'opted_out' },
      { personId: id.ani, reason: null },
    ])
    expect(await getBroadcastStatus(handle.db, first!.id)).toMatchObject({
      recipients: 2,
      skipped: 1,
    })

    // MULAI: recorded, and the next broadcast reaches her.
    expect(await say('sim-siti', 'mulai', stopAt)).toEqual([
      'Baik, pengingat dan pengumuman akan dikirim lagi. Ketik BERHENTI untuk menghentikannya.',
    ])
    const [back] = await handle.db
      .select({ at: people.optedOutAt })
      .from(people)
      .where(eq(people.id, id.siti))
    expect(back?.at).toBeNull()
    const again = await createBroadcast(handle.db, {
      author: { personId: id.rina },
      segment: { roles: ['kader'], region: PAGENTAN },
      text: 'Rapat lagi',
      timeZone: 'Asia/Jakarta',
      now: stopAt,
    })
    await tick(stopAt)
    expect(await getBroadcastStatus(handle.db, again.id)).toMatchObject({
      recipients: 2,
      skipped: 0,
    })
  })
})
