/**
 * People and onboarding through the runtime on a real database: consent recorded, recognition by
 * phone, self-registration reaching every supervisor in scope unprompted, approval and rejection
 * told to the applicant, BERHENTI / MULAI recorded.
 */
import { asc, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { auditLog, channelIdentities, consents, outbox, people } from '../../src/db/schema/index.js'
import type { Role } from '../../src/domain/people.js'
import { useTestDb } from '../harness/db.js'
import { createTestRuntime, simulatorMessage } from '../harness/runtime.js'

const NOW = new Date('2025-11-24T01:00:00Z')

const handle = useTestDb()

async function addPerson(name: string, roles: Role[], regionCode: string, phone: string) {
  const [person] = await handle.db
    .insert(people)
    .values({ name, roles, regionCode, phone })
    .returning({ id: people.id })
  return person!.id
}

type Chat = {
  say: (text: string) => Promise<string[]>
  press: (id: string) => Promise<string[]>
}

async function setup() {
  const { runtime, sender } = await createTestRuntime(handle.db)
  // Like WhatsApp, the simulator may give the sender's phone with every message.
  const chatAs = (from: string, phone?: string): Chat => ({
    async say(text) {
      const message = { ...simulatorMessage(from, text), phone }
      const result = await runtime.handleInbound(message, NOW)
      return result.replies.map((r) => r.text)
    },
    async press(id) {
      const message = { ...simulatorMessage(from, { type: 'choice' as const, id }), phone }
      const result = await runtime.handleInbound(message, NOW)
      return result.replies.map((r) => r.text)
    },
  })
  return { runtime, sender, chatAs }
}

/** Messages queued to someone that did not answer a message of theirs (unprompted). */
async function unprompted(recipientId: string) {
  const rows = await handle.db
    .select()
    .from(outbox)
    .where(eq(outbox.recipientId, recipientId))
    .orderBy(asc(outbox.id))
  return rows
    .filter((row) => row.conversationId === null)
    .map((row) => row.message as { text: string; choices?: { id: string; label: string }[] })
}

describe('first contact and consent', () => {
  test('consent is recorded with time and notice version; a recognised phone greets by name', async () => {
    await addPerson('Bu Sri Wahyuni', ['kader'], '35.07.24.2001', '+6281200000004')
    const { chatAs, sender } = await setup()
    const sri = chatAs('sim-sri', '+6281200000004')
    const [notice] = await sri.say('halo')
    expect(notice).toMatch(/^Selamat datang di kaderbot/)
    const afterConsent = await sri.say('ya')
    expect(afterConsent).toEqual([
      'Terima kasih, persetujuan Bapak/Ibu sudah kami catat.',
      'Halo, Sri Wahyuni! Menu utama:',
    ])
    const rows = await handle.db.select().from(consents)
    expect(rows).toMatchObject([
      {
        channel: 'simulator',
        senderId: 'sim-sri',
        given: true,
        noticeVersion: '2026-11-v1',
        at: NOW,
      },
    ])
    expect(rows[0]!.personId).not.toBeNull()
    const identities = await handle.db.select().from(channelIdentities)
    expect(identities).toMatchObject([{ channel: 'simulator', externalId: 'sim-sri' }])
    await sender.idle()
  })

  test('a refusal is recorded and nothing else happens', async () => {
    const { chatAs, sender } = await setup()
    const chat = chatAs('sim-x')
    await chat.say('daftar')
    // The refusal alone, no menu (docs/domain.md, decision 21).
    expect(await chat.say('tidak')).toEqual([
      expect.stringMatching(/^Baik, kami hormati pilihan Bapak\/Ibu/),
    ])
    // What comes next gets a short answer on how to agree, not the whole notice again.
    expect(await chat.say('daftar')).toEqual([
      expect.stringMatching(/^Maaf, kami belum dapat melayani .* balas MULAI atau Ya\./),
    ])
    const rows = await handle.db.select().from(consents)
    expect(rows.map((r) => r.given)).toEqual([false])
    expect(await handle.db.select().from(people)).toEqual([])
    await sender.idle()
  })

  test('BERHENTI and MULAI are recorded on the person', async () => {
    const id = await addPerson('Bu Sri', ['kader'], '35.07.24.2001', '+6281200000004')
    const { chatAs, sender } = await setup()
    const sri = chatAs('sim-sri', '+6281200000004')
    await sri.say('halo')
    await sri.say('ya')
    await sri.say('BERHENTI')
    const [stopped] = await handle.db.select().from(people).where(eq(people.id, id))
    expect(stopped!.optedOutAt).toEqual(NOW)
    await sri.say('mulai')
    const [resumed] = await handle.db.select().from(people).where(eq(people.id, id))
    expect(resumed!.optedOutAt).toBeNull()
    await sender.idle()
  })
})

describe('self-registration with approval', () => {
  async function register() {
    const supervisor = await addPerson('Pak Joko', ['supervisor'], '35.07.24', '+6281200000002')
    const admin = await addPerson('Bu Admin', ['admin'], '35.07', '+6281200000001')
    const elsewhere = await addPerson('Pak Lain', ['supervisor'], '35.07.25', '+6281200000009')
    const ctx = await setup()
    const joko = ctx.chatAs('sim-joko', '+6281200000002')
    await joko.say('halo')
    await joko.say('ya')
    const admins = ctx.chatAs('sim-admin', '+6281200000001')
    await admins.say('halo')
    await admins.say('ya')
    const lain = ctx.chatAs('sim-lain', '+6281200000009')
    await lain.say('halo')
    await lain.say('ya')

    const siti = ctx.chatAs('sim-siti', '+6281299990000')
    await siti.say('halo')
    await siti.say('ya')
    for (const text of ['daftar', 'Siti Rahayu', 'ibu', 'Singosari', 'Tunjungtirto', '1'])
      await siti.say(text)
    expect(await siti.say('kirim')).toEqual([
      expect.stringMatching(/^Terima kasih, Siti Rahayu\. Pendaftaran/),
    ])
    const [applicant] = await handle.db.select().from(people).where(eq(people.name, 'Siti Rahayu'))
    expect(applicant).toMatchObject({
      status: 'pending',
      roles: ['kader'],
      regionCode: '35.07.24.2006',
      phone: '+6281299990000',
      cadreTier: 'ppkbd',
      salutation: 'ibu',
    })
    return { ...ctx, joko, siti, applicantId: applicant!.id, supervisor, admin, elsewhere }
  }

  test('the request reaches every supervisor in scope unprompted, and approval is told', async () => {
    const { joko, siti, applicantId, sender } = await register()
    const request = {
      text: 'Pendaftaran kader baru menunggu persetujuan:\nSiti Rahayu, PPKBD (IMP, tingkat desa), Desa Tunjungtirto, Kec. Singosari\nPilih Tinjau di bawah, atau ketik PERSETUJUAN.',
      choices: [{ id: `start:approval:${applicantId}`, label: 'Tinjau' }],
    }
    expect(await unprompted('sim-joko')).toEqual([request])
    expect(await unprompted('sim-admin')).toEqual([request])
    expect(await unprompted('sim-lain')).toEqual([])

    expect(await joko.press(`start:approval:${applicantId}`)).toEqual([
      'Setujui pendaftaran Siti Rahayu sebagai kader?',
    ])
    expect(await joko.say('setujui')).toEqual(['Pendaftaran disetujui. Kader sudah kami kabari.'])
    const [approved] = await handle.db.select().from(people).where(eq(people.id, applicantId))
    expect(approved!.status).toBe('active')
    expect((await unprompted('sim-siti')).map((m) => m.text)).toEqual([
      'Selamat, Ibu Siti Rahayu! Pendaftaran sebagai kader sudah disetujui. Ketik MENU untuk mulai.',
    ])
    expect(await handle.db.select().from(auditLog)).toMatchObject([
      { action: 'registration_approved', subject: `person:${applicantId}` },
    ])
    expect((await siti.say('menu'))[0]).toBe('Halo, Ibu Siti Rahayu! Menu utama:')
    await sender.idle()
  })

  test('a rejection is told with its reason; the applicant registers again, no dead end', async () => {
    const { joko, siti, applicantId, chatAs, sender } = await register()
    await joko.say('persetujuan')
    // Joko answers the list once it has reached him: a "1" typed before it arrived would answer the
    // last message he saw, the request's Tinjau button (which sender finishes first is a race).
    await sender.idle()
    await joko.say('1')
    expect(await joko.say('tolak')).toEqual([
      expect.stringMatching(/^Alasan menolak\? Pendaftar akan diberi tahu alasannya\./),
    ])
    expect(await joko.say('1')).toEqual(['Pendaftaran ditolak. Pendaftar sudah kami kabari.'])
    const [rejected] = await handle.db.select().from(people).where(eq(people.id, applicantId))
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejectionReason: 'Desa yang dipilih tidak sesuai',
    })
    expect((await unprompted('sim-siti')).map((m) => m.text)).toEqual([
      'Maaf, Ibu Siti Rahayu, pendaftaran sebagai kader belum dapat disetujui. Alasan: Desa yang dipilih tidak sesuai. Ketik DAFTAR untuk mendaftar lagi, atau hubungi petugas KB (PKB/PLKB) di desa.',
    ])
    expect(await chatAs('sim-admin').say('persetujuan')).toEqual([
      'Tidak ada pendaftaran kader yang menunggu persetujuan di wilayah Bapak/Ibu.',
    ])

    // Writing again: the reason and the way on, then the same person registers anew.
    const menu = await siti.say('menu')
    expect(menu[0]).toBe(
      'Halo, Ibu Siti Rahayu! Menu utama:\nPendaftaran Ibu sebagai kader belum disetujui. Alasan: Desa yang dipilih tidak sesuai. Ketik DAFTAR untuk mendaftar lagi.'
    )
    for (const text of ['daftar', 'Siti Rahayu', 'ibu', 'Singosari', 'Wonorejo', '1'])
      await siti.say(text)
    expect(await siti.say('kirim')).toEqual([
      expect.stringMatching(/^Terima kasih, Siti Rahayu\. Pendaftaran/),
    ])
    const again = await handle.db.select().from(people).where(eq(people.name, 'Siti Rahayu'))
    expect(again).toMatchObject([
      { id: applicantId, status: 'pending', regionCode: '35.07.24.2001', rejectionReason: null },
    ])
    expect((await unprompted('sim-joko')).map((m) => m.choices?.[0]?.id)).toEqual([
      `start:approval:${applicantId}`,
      `start:approval:${applicantId}`,
    ])
    await sender.idle()
  })
})
