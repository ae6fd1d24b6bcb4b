/**
 * Broadcasts through the service and the fires table: who may reach whom, a scheduled broadcast
 * sent once however many ticks run, cancelling, skipping the opted-out and unreachable, progress
 * to the author and the final counts, and the audit trail.
 */
import { and, asc, eq, inArray } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import {
  BroadcastForbiddenError,
  cancelBroadcast,
  createBroadcast,
  getBroadcastStatus,
  listBroadcasts,
} from '../../src/broadcasts/service.js'
import {
  claimOutbox,
  markFailed,
  markRecipientUnreachable,
  markSent,
} from '../../src/db/queries/outbox.js'
import { linkIdentity } from '../../src/db/queries/identities.js'
import {
  auditLog,
  broadcastRecipients,
  channelIdentities,
  fires,
  outbox,
  people,
} from '../../src/db/schema/index.js'
import type { OutboundMessage } from '../../src/domain/messages.js'
import { renderOutbound } from '../../src/channels/telegram/render.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { broadcastHandlers } from '../../src/scheduler/jobs/broadcasts.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { silentLogger } from '../harness/runtime.js'
import {
  LAWANG,
  LOSARI,
  NOW,
  PAGENTAN,
  SINGOSARI,
  addPerson,
  consentChats,
  seedRoster,
} from '../harness/broadcasts.js'

const handle = useTestDb()

const MINUTE = 60_000
const later = (ms: number) => new Date(NOW.getTime() + ms)

async function tick(at: Date) {
  const i18n = await testI18n()
  return runDueFires(
    {
      db: handle.db,
      handlers: broadcastHandlers({ i18n, timeZone: 'Asia/Jakarta' }),
      logger: silentLogger,
    },
    at
  )
}

/** Outbox rows of the broadcast, by recipient. */
async function broadcastRows(broadcastId: number) {
  return handle.db
    .select({
      recipientId: outbox.recipientId,
      priority: outbox.priority,
      message: outbox.message,
      id: outbox.id,
    })
    .from(broadcastRecipients)
    .innerJoin(outbox, eq(outbox.id, broadcastRecipients.outboxId))
    .where(eq(broadcastRecipients.broadcastId, broadcastId))
    .orderBy(asc(outbox.recipientId))
}

/** Messages (not broadcast rows) queued to one chat. */
async function messagesTo(chat: string) {
  const rows = await handle.db
    .select({ message: outbox.message, priority: outbox.priority })
    .from(outbox)
    .where(eq(outbox.recipientId, chat))
    .orderBy(asc(outbox.id))
  return rows.map((r) => ({ text: (r.message as { text: string }).text, priority: r.priority }))
}

describe('who may broadcast where', () => {
  test('a supervisor reaches only their region; a cadre not at all; admins and the API everywhere', async () => {
    const id = await seedRoster(handle.db)
    const text = 'Rapat kader'
    // Joko's scope is Singosari: 4 cadres there (Siti, Ani, Dewi, Fitri).
    const own = await createBroadcast(handle.db, {
      author: { personId: id.joko },
      segment: { roles: ['kader'] },
      text,
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    expect(own).toMatchObject({ recipients: 4, status: 'scheduled' })
    await expect(
      createBroadcast(handle.db, {
        author: { personId: id.joko },
        segment: { roles: ['kader'], region: LAWANG },
        text,
        timeZone: 'Asia/Jakarta',
        now: NOW,
      })
    ).rejects.toBeInstanceOf(BroadcastForbiddenError)
    await expect(
      createBroadcast(handle.db, {
        author: { personId: id.siti },
        segment: {},
        text,
        timeZone: 'Asia/Jakarta',
        now: NOW,
      })
    ).rejects.toBeInstanceOf(BroadcastForbiddenError)
    // Rina (admin) and the API reach all 5 cadres, Lastri in Lawang included.
    const byAdmin = await createBroadcast(handle.db, {
      author: { personId: id.rina },
      segment: { roles: ['kader'] },
      text,
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    expect(byAdmin.recipients).toBe(5)
    const byApi = await createBroadcast(handle.db, {
      author: { source: 'api' },
      segment: { roles: ['kader'], region: LAWANG },
      text,
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    expect(byApi.recipients).toBe(1)

    // The supervisor's broadcast reaches Singosari only, even when sent.
    await tick(NOW)
    const rows = await broadcastRows(own.id)
    expect(rows.map((r) => r.recipientId)).toEqual(['sim-ani', 'sim-dewi', 'sim-fitri', 'sim-siti'])
  })

  test('a bad segment or an empty text is refused', async () => {
    const id = await seedRoster(handle.db)
    const author = { personId: id.rina }
    await expect(
      createBroadcast(handle.db, {
        author,
        segment: { region: '12.34' },
        text: 'x',
        timeZone: 'Asia/Jakarta',
        now: NOW,
      })
    ).rejects.toThrow()
    await expect(
      createBroadcast(handle.db, {
        author,
        segment: {},
        text: '   ',
        timeZone: 'Asia/Jakarta',
        now: NOW,
      })
    ).rejects.toThrow()
  })
})

describe('sending', () => {
  test('a scheduled broadcast goes out at its time, once, even with two ticks; personalised and audited', async () => {
    const id = await seedRoster(handle.db)
    const at = later(60 * MINUTE)
    const created = await createBroadcast(handle.db, {
      author: { personId: id.joko },
      segment: { roles: ['kader'], region: PAGENTAN },
      text: 'Halo {nama}, rapat kader Rabu pukul 09.00.',
      at,
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    expect(created).toMatchObject({ recipients: 2, status: 'scheduled' })

    // Before its time nothing goes out.
    await tick(later(59 * MINUTE))
    expect(await broadcastRows(created.id)).toEqual([])

    // Two replicas' ticks at its time: one fan-out.
    const [first, second] = await Promise.all([tick(at), tick(at)])
    expect(first.done + second.done).toBe(1)
    await tick(later(61 * MINUTE))
    const rows = await broadcastRows(created.id)
    expect(
      rows.map((r) => [r.recipientId, (r.message as { text: string }).text, r.priority])
    ).toEqual([
      [
        'sim-ani',
        'Halo Ani, rapat kader Rabu pukul 09.00.\n(Balas BERHENTI bila tidak ingin menerima pengumuman lagi.)',
        2,
      ],
      [
        'sim-siti',
        'Halo Siti, rapat kader Rabu pukul 09.00.\n(Balas BERHENTI bila tidak ingin menerima pengumuman lagi.)',
        2,
      ],
    ])
    expect(await getBroadcastStatus(handle.db, created.id)).toMatchObject({
      status: 'sending',
      recipients: 2,
      sent: 0,
      failed: 0,
      skipped: 0,
    })

    const audit = await handle.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, `broadcast:${created.id}`))
    expect(audit).toEqual([
      expect.objectContaining({
        actor: `person:${id.joko}`,
        action: 'broadcast_created',
        detail: {
          segment: { roles: ['kader'], region: PAGENTAN },
          scopeCode: SINGOSARI,
          recipients: 2,
          at: at.toISOString(),
          photo: false,
        },
      }),
    ])
  })

  test('the opted-out, the unreachable, people without a chat or without consent are skipped with the reason', async () => {
    const admin = await addPerson(handle.db, { name: 'Rina', roles: ['admin'], region: '35.07' })
    await addPerson(handle.db, { name: 'Ayu', roles: ['kader'], region: LOSARI })
    await addPerson(handle.db, {
      name: 'Berhenti',
      roles: ['kader'],
      region: LOSARI,
      optedOutAt: NOW,
    })
    await addPerson(handle.db, { name: 'Tanpa', roles: ['kader'], region: LOSARI, chat: null })
    await addPerson(handle.db, { name: 'Blokir', roles: ['kader'], region: LOSARI })
    // Declined the privacy notice; linked (a shared contact) but never answered it.
    await addPerson(handle.db, {
      name: 'Tolak',
      roles: ['kader'],
      region: LOSARI,
      consent: 'refused',
    })
    await addPerson(handle.db, { name: 'Belum', roles: ['kader'], region: LOSARI, consent: 'none' })
    const both = await addPerson(handle.db, {
      name: 'Dua',
      roles: ['kader'],
      region: LOSARI,
      chat: 'sim-dua-lama',
    })
    await linkIdentity(handle.db, {
      personId: both,
      channel: 'simulator',
      externalId: 'sim-dua-baru',
    })
    // Blokir blocked the bot: the channel said so on an earlier message. Dua's newer chat too,
    // so Dua is reached on the older one.
    for (const recipientId of ['sim-blokir', 'sim-dua-baru']) {
      await markRecipientUnreachable(handle.db, { channel: 'simulator', recipientId, at: NOW })
    }

    const created = await createBroadcast(handle.db, {
      author: { personId: admin },
      segment: { roles: ['kader'] },
      text: 'Pengumuman',
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    expect(created.recipients).toBe(7)
    await tick(NOW)
    expect((await broadcastRows(created.id)).map((r) => r.recipientId)).toEqual([
      'sim-ayu',
      'sim-dua-lama',
    ])
    const skipped = await handle.db
      .select({ name: people.name, reason: broadcastRecipients.skipReason })
      .from(broadcastRecipients)
      .innerJoin(people, eq(people.id, broadcastRecipients.personId))
      .where(and(eq(broadcastRecipients.broadcastId, created.id)))
      .orderBy(asc(people.name))
    expect(skipped.filter((s) => s.reason !== null)).toEqual([
      { name: 'Belum', reason: 'no_consent' },
      { name: 'Berhenti', reason: 'opted_out' },
      { name: 'Blokir', reason: 'unreachable' },
      { name: 'Tanpa', reason: 'no_identity' },
      { name: 'Tolak', reason: 'no_consent' },
    ])
    expect(await getBroadcastStatus(handle.db, created.id)).toMatchObject({
      recipients: 7,
      sent: 0,
      skipped: 5,
      skippedByReason: { opted_out: 1, unreachable: 1, no_identity: 1, no_consent: 2 },
    })
  })

  test('the author hears the progress and a final report; the counts are audited', async () => {
    const admin = await addPerson(handle.db, { name: 'Rina', roles: ['admin'], region: '35.07' })
    for (let i = 0; i < 20; i++) {
      await addPerson(handle.db, { name: `Kader${i}`, roles: ['kader'], region: LOSARI })
    }
    await addPerson(handle.db, {
      name: 'Berhenti',
      roles: ['kader'],
      region: LOSARI,
      optedOutAt: NOW,
    })
    const created = await createBroadcast(handle.db, {
      author: { personId: admin },
      segment: { roles: ['kader'] },
      text: 'Pengumuman',
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    await tick(NOW)
    expect(await broadcastRows(created.id)).toHaveLength(20)
    // The sender's outcomes, written as the sender does: claim, then sent or failed.
    const rows = await claimOutbox(handle.db, { channel: 'simulator', limit: 50, leaseSeconds: 60 })
    expect(rows).toHaveLength(20)

    // A minute later: 9 sent, 1 failed (10 of 20 settled, more than a tenth): a progress message.
    for (const row of rows.slice(0, 9)) await markSent(handle.db, row)
    await markFailed(handle.db, { ...rows[9]!, error: 'bad request' })
    await tick(later(MINUTE))
    // Another minute, one more sent: less than a tenth (2) more, no message.
    await markSent(handle.db, rows[10]!)
    await tick(later(2 * MINUTE))
    expect(await messagesTo('sim-rina')).toEqual([
      { text: 'Siaran: terkirim 9/20, gagal 1.', priority: 1 },
    ])
    expect(await getBroadcastStatus(handle.db, created.id)).toMatchObject({
      status: 'sending',
      recipients: 21,
      sent: 10,
      failed: 1,
      skipped: 1,
    })

    // Everything settles: the final report, the broadcast closes.
    for (const row of rows.slice(11)) await markSent(handle.db, row)
    await tick(later(3 * MINUTE))
    expect((await messagesTo('sim-rina')).at(-1)).toEqual({
      text: 'Siaran selesai: terkirim 19 dari 21 orang, gagal 1. Tidak dikirim: 1 orang memilih BERHENTI, 0 orang belum menyetujui pemberitahuan privasi, 0 orang tidak dapat dihubungi.',
      priority: 1,
    })
    expect(await getBroadcastStatus(handle.db, created.id)).toMatchObject({
      status: 'done',
      recipients: 21,
      sent: 19,
      failed: 1,
      skipped: 1,
    })
    // No more checks planned once done.
    await tick(later(10 * MINUTE))
    expect(await messagesTo('sim-rina')).toHaveLength(2)
    const pending = await handle.db.select().from(fires).where(eq(fires.status, 'pending'))
    expect(pending).toEqual([])
    const finished = await handle.db
      .select({ action: auditLog.action, detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, 'broadcast_finished'))
    expect(finished).toEqual([
      {
        action: 'broadcast_finished',
        detail: {
          recipients: 21,
          sent: 19,
          failed: 1,
          skipped: 1,
          skippedByReason: { opted_out: 1, unreachable: 0, no_identity: 0, no_consent: 0 },
        },
      },
    ])
  })

  test('a broadcast to 2,000 people becomes 2,000 bulk outbox rows, one each', async () => {
    const admin = await addPerson(handle.db, { name: 'Rina', roles: ['admin'], region: '35.07' })
    const inserted = await handle.db
      .insert(people)
      .values(
        Array.from({ length: 2000 }, (_, i) => ({
          name: `Kader ${i}`,
          roles: ['kader' as const],
          regionCode: i % 2 === 0 ? PAGENTAN : LOSARI,
        }))
      )
      .returning({ id: people.id })
    const chats = inserted.map((row) => ({
      personId: row.id,
      channel: 'telegram' as const,
      externalId: `${900000 + row.id}`,
    }))
    await handle.db.insert(channelIdentities).values(chats)
    await consentChats(handle.db, chats)
    const created = await createBroadcast(handle.db, {
      author: { personId: admin },
      segment: { roles: ['kader'] },
      text: 'Halo {nama}!',
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    expect(created.recipients).toBe(2000)
    await tick(NOW)
    const rows = await handle.db
      .select({
        recipientId: outbox.recipientId,
        priority: outbox.priority,
        message: outbox.message,
      })
      .from(outbox)
      .where(eq(outbox.channel, 'telegram'))
    expect(rows).toHaveLength(2000)
    expect(new Set(rows.map((r) => r.recipientId)).size).toBe(2000)
    expect(rows.every((r) => r.priority === 2)).toBe(true)
    const first = inserted[0]!.id
    const mine = rows.find((r) => r.recipientId === `${900000 + first}`)
    expect((mine!.message as { text: string }).text.split('\n')[0]).toBe('Halo Kader 0!')
    expect(await getBroadcastStatus(handle.db, created.id)).toMatchObject({
      recipients: 2000,
      skipped: 0,
    })
  }, 60_000)
})

describe('personalisation', () => {
  test('the name and the text go out verbatim; the Telegram renderer escapes them', async () => {
    const admin = await addPerson(handle.db, { name: 'Rina', roles: ['admin'], region: '35.07' })
    await addPerson(handle.db, {
      name: 'Ratna <Bu> & Co',
      roles: ['kader'],
      region: LOSARI,
      chat: 'sim-ratna',
    })
    const created = await createBroadcast(handle.db, {
      author: { personId: admin },
      segment: { roles: ['kader'] },
      // i18next placeholders and nesting in the author's text stay as written.
      text: 'Halo {nama}, {{count}} $t(broadcast:whenNow) <i>',
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    await tick(NOW)
    const [row] = await broadcastRows(created.id)
    const message = row!.message as OutboundMessage
    expect(message.text.split('\n')[0]).toBe(
      'Halo Ratna <Bu> & Co, {{count}} $t(broadcast:whenNow) <i>'
    )
    expect(renderOutbound(message)[0]!.text.split('\n')[0]).toBe(
      'Halo Ratna &lt;Bu&gt; &amp; Co, {{count}} $t(broadcast:whenNow) &lt;i&gt;'
    )
  })
})

describe('cancelling', () => {
  test('a scheduled broadcast is cancelled by its author, never sent; too late once finished', async () => {
    const id = await seedRoster(handle.db)
    const at = later(60 * MINUTE)
    const make = () =>
      createBroadcast(handle.db, {
        author: { personId: id.joko },
        segment: { roles: ['kader'] },
        text: 'Rapat',
        at,
        timeZone: 'Asia/Jakarta',
        now: NOW,
      })
    const first = await make()
    // Another supervisor may not; it looks as if there were no such broadcast.
    const other = await addPerson(handle.db, {
      name: 'Lain',
      roles: ['supervisor'],
      region: LAWANG,
    })
    expect(await cancelBroadcast(handle.db, first.id, { personId: other }, NOW)).toBe('not_found')
    expect(await cancelBroadcast(handle.db, first.id, { personId: id.joko }, NOW)).toBe('cancelled')
    expect(await cancelBroadcast(handle.db, 999999, { source: 'api' }, NOW)).toBe('not_found')

    const second = await make()
    await tick(at)
    expect(await broadcastRows(first.id)).toEqual([])
    expect((await getBroadcastStatus(handle.db, first.id))?.status).toBe('cancelled')
    const sent = await broadcastRows(second.id)
    expect(sent).toHaveLength(4)
    // An admin could cancel someone else's, but not once it has finished.
    await handle.db
      .update(outbox)
      .set({ status: 'sent' })
      .where(
        inArray(
          outbox.id,
          sent.map((row) => row.id)
        )
      )
    await tick(later(62 * MINUTE))
    expect((await getBroadcastStatus(handle.db, second.id))?.status).toBe('done')
    expect(await cancelBroadcast(handle.db, second.id, { personId: id.rina }, at)).toBe('too_late')

    const actions = await handle.db
      .select({ action: auditLog.action, subject: auditLog.subject })
      .from(auditLog)
      .where(inArray(auditLog.action, ['broadcast_created', 'broadcast_cancelled']))
      .orderBy(asc(auditLog.id))
    expect(actions).toEqual([
      { action: 'broadcast_created', subject: `broadcast:${first.id}` },
      { action: 'broadcast_cancelled', subject: `broadcast:${first.id}` },
      { action: 'broadcast_created', subject: `broadcast:${second.id}` },
    ])
  })

  test('listBroadcasts pages by id with the counts', async () => {
    const id = await seedRoster(handle.db)
    const ids: number[] = []
    for (const text of ['a', 'b', 'c']) {
      ids.push(
        (
          await createBroadcast(handle.db, {
            author: { source: 'api' },
            segment: { roles: ['kader'] },
            text,
            timeZone: 'Asia/Jakarta',
            now: NOW,
          })
        ).id
      )
    }
    const page1 = await listBroadcasts(handle.db, { limit: 2 })
    expect(page1.data.map((b) => b.text)).toEqual(['a', 'b'])
    expect(page1.next).toBe(ids[1])
    const page2 = await listBroadcasts(handle.db, { limit: 2, afterId: page1.next! })
    expect(page2).toMatchObject({
      data: [{ text: 'c', recipients: 5, author: { source: 'api' } }],
      next: null,
    })
    expect(id.rina).toBeGreaterThan(0)
  })
})
