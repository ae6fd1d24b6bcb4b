/**
 * People, chat identities and consents on the real test database (PGlite, or Postgres with
 * TEST_DATABASE_URL).
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { findLatestConsent, recordConsent } from '../../src/db/queries/consent.js'
import { findPersonByIdentity, linkIdentity } from '../../src/db/queries/identities.js'
import {
  AmbiguousPersonError,
  PhoneInUseError,
  createPendingCadre,
  findPersonByPhone,
  listPendingRegistrations,
  listSupervisorsCovering,
  setOptedOut,
  setPersonStatus,
  upsertPersonByPhone,
  upsertPersonWithoutPhone,
} from '../../src/db/queries/people.js'
import { channelIdentities, people } from '../../src/db/schema/index.js'
import { useTestDb } from '../harness/db.js'

const WONOREJO = '35.07.24.2001' // a desa of Kecamatan Singosari
const DENGKOL = '35.07.24.2002' // another desa of Singosari
const SINGOSARI = '35.07.24'
const TAJINAN = '35.07.15'
const TAJINAN_DESA = '35.07.15.2001'
const NOW = new Date('2025-11-24T01:00:00Z')

const handle = useTestDb()

describe('upsertPersonByPhone', () => {
  const siti = {
    name: 'Siti Rahayu',
    phone: '+6281200000004',
    roles: ['kader' as const],
    regionCode: WONOREJO,
  }

  test('inserts, then reports unchanged for the same values and updated for new ones', async () => {
    const first = await upsertPersonByPhone(handle.db, { ...siti, birthYear: 1985 })
    expect(first.action).toBe('inserted')
    expect(first.person).toMatchObject({
      name: 'Siti Rahayu',
      phone: '+6281200000004',
      roles: ['kader'],
      regionCode: WONOREJO,
      birthYear: 1985,
      cadreTier: null,
      status: 'active',
      optedOutAt: null,
    })

    const again = await upsertPersonByPhone(handle.db, { ...siti, birthYear: 1985 })
    expect(again).toEqual({ person: first.person, action: 'unchanged' })

    // No birth year given: the stored one is kept and nothing counts as changed.
    expect((await upsertPersonByPhone(handle.db, siti)).action).toBe('unchanged')

    const renamed = await upsertPersonByPhone(handle.db, {
      ...siti,
      name: 'Siti Rahayu Ningsih',
      roles: ['kader', 'mentor'],
    })
    expect(renamed.action).toBe('updated')
    expect(renamed.person).toMatchObject({
      id: first.person.id,
      name: 'Siti Rahayu Ningsih',
      roles: ['mentor', 'kader'], // sorted in ROLES order
      birthYear: 1985,
    })
    expect(renamed.person.updatedAt.getTime()).toBeGreaterThanOrEqual(
      first.person.updatedAt.getTime()
    )
    expect(await handle.db.select({ id: people.id }).from(people)).toHaveLength(1)
  })

  test('activates a pending self-registration with the same phone', async () => {
    const pending = await createPendingCadre(handle.db, {
      name: 'Siti',
      phone: siti.phone,
      regionCode: WONOREJO,
      cadreTier: 'ppkbd',
    })
    const result = await upsertPersonByPhone(handle.db, siti)
    expect(result.action).toBe('updated')
    expect(result.person).toMatchObject({
      id: pending.id,
      name: 'Siti Rahayu',
      status: 'active',
      cadreTier: 'ppkbd',
    })
  })

  test('a region code that does not exist is refused by the database', async () => {
    await expect(
      upsertPersonByPhone(handle.db, { ...siti, regionCode: '35.07.99' })
    ).rejects.toThrow()
    expect(await findPersonByPhone(handle.db, siti.phone)).toBeUndefined()
  })
})

describe('upsertPersonWithoutPhone', () => {
  const lilis = { name: 'Lilis Suryani', roles: ['peserta' as const], regionCode: WONOREJO }

  test('matches by exact name and region among people without a phone', async () => {
    const first = await upsertPersonWithoutPhone(handle.db, { ...lilis, birthYear: 2003 })
    expect(first.action).toBe('inserted')
    expect(first.person).toMatchObject({ phone: null, birthYear: 2003, roles: ['peserta'] })

    expect(await upsertPersonWithoutPhone(handle.db, lilis)).toEqual({
      person: first.person,
      action: 'unchanged',
    })
    const older = await upsertPersonWithoutPhone(handle.db, { ...lilis, birthYear: 2002 })
    expect(older.action).toBe('updated')
    expect(older.person).toMatchObject({ id: first.person.id, birthYear: 2002 })

    // Another desa, or another spelling, is another person.
    expect(
      (await upsertPersonWithoutPhone(handle.db, { ...lilis, regionCode: DENGKOL })).action
    ).toBe('inserted')
    expect((await upsertPersonWithoutPhone(handle.db, { ...lilis, name: 'Lilis' })).action).toBe(
      'inserted'
    )
    // Someone with a phone and the same name is not matched.
    await upsertPersonByPhone(handle.db, { ...lilis, name: 'Nur Aini', phone: '+6281200000005' })
    expect((await upsertPersonWithoutPhone(handle.db, { ...lilis, name: 'Nur Aini' })).action).toBe(
      'inserted'
    )
  })

  test('refuses to guess when two people without a phone share the name and region', async () => {
    await handle.db.insert(people).values([
      { name: 'Lilis Suryani', roles: ['peserta'], regionCode: WONOREJO },
      { name: 'Lilis Suryani', roles: ['peserta'], regionCode: WONOREJO },
    ])
    const error = await upsertPersonWithoutPhone(handle.db, lilis).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AmbiguousPersonError)
    expect(error).toMatchObject({ code: 'AMBIGUOUS_PERSON', matches: 2 })
  })
})

describe('identities', () => {
  test('links idempotently, finds the person, and moves an identity to another person', async () => {
    const { person: a } = await upsertPersonByPhone(handle.db, {
      name: 'Siti Rahayu',
      phone: '+6281200000004',
      roles: ['kader'],
      regionCode: WONOREJO,
    })
    const { person: b } = await upsertPersonByPhone(handle.db, {
      name: 'Nur Aini',
      phone: '+6281200000005',
      roles: ['peserta'],
      regionCode: DENGKOL,
    })
    const identity = { channel: 'telegram' as const, externalId: '777001' }

    expect(await findPersonByIdentity(handle.db, identity)).toBeUndefined()
    expect(await linkIdentity(handle.db, { ...identity, personId: a.id })).toBe('linked')
    expect(await linkIdentity(handle.db, { ...identity, personId: a.id })).toBe('unchanged')
    expect(await findPersonByIdentity(handle.db, identity)).toEqual(a)
    // The same external id on another channel is another identity.
    expect(await findPersonByIdentity(handle.db, { ...identity, channel: 'whatsapp' })).toBe(
      undefined
    )

    expect(await linkIdentity(handle.db, { ...identity, personId: b.id })).toBe('moved')
    expect(await findPersonByIdentity(handle.db, identity)).toEqual(b)
    expect(await handle.db.select().from(channelIdentities)).toHaveLength(1)
  })
})

describe('supervisors and registrations', () => {
  async function addPerson(
    name: string,
    phone: string,
    roles: ('admin' | 'supervisor' | 'kader' | 'mentor')[],
    regionCode: string
  ) {
    return (await upsertPersonByPhone(handle.db, { name, phone, roles, regionCode })).person
  }

  test('listSupervisorsCovering finds active supervisors and admins whose scope covers the code', async () => {
    const admin = await addPerson('Dewi', '+6281200000001', ['admin'], '35.07')
    const singosari = await addPerson('Bambang', '+6281200000002', ['supervisor'], SINGOSARI)
    const wonorejo = await addPerson('Agus', '+6281200000003', ['supervisor', 'kader'], WONOREJO)
    await addPerson('Tajinan', '+6281200000006', ['supervisor'], TAJINAN)
    await addPerson('Mentor', '+6281200000007', ['mentor'], SINGOSARI)
    const inactive = await addPerson('Lama', '+6281200000008', ['supervisor'], SINGOSARI)
    await setPersonStatus(handle.db, { id: inactive.id, status: 'rejected' })
    // A prefix that is not a parent: 35.07.2 must not cover 35.07.24.
    await handle.db.insert(people).values({
      name: 'Prefix',
      phone: '+6281200000009',
      roles: ['supervisor'],
      regionCode: '35.07.02',
    })

    const ids = async (code: string) =>
      (await listSupervisorsCovering(handle.db, code)).map((person) => person.id)
    expect(await ids(WONOREJO)).toEqual([admin.id, singosari.id, wonorejo.id])
    expect(await ids(DENGKOL)).toEqual([admin.id, singosari.id])
    expect(await ids(SINGOSARI)).toEqual([admin.id, singosari.id])
    expect(await ids('35.07')).toEqual([admin.id])
  })

  test('pending cadres are listed per scope, oldest first, and can be approved', async () => {
    const first = await createPendingCadre(handle.db, {
      name: 'Rina',
      phone: '+6281200000010',
      regionCode: DENGKOL,
      cadreTier: 'ppkbd',
    })
    const second = await createPendingCadre(handle.db, {
      name: 'Tanpa Nomor',
      regionCode: WONOREJO,
      cadreTier: 'sub_ppkbd',
    })
    const elsewhere = await createPendingCadre(handle.db, {
      name: 'Yuli',
      phone: '+6281200000011',
      regionCode: TAJINAN_DESA,
      cadreTier: 'ppkbd',
    })
    expect(first).toMatchObject({ roles: ['kader'], status: 'pending', cadreTier: 'ppkbd' })
    expect(second.phone).toBeNull()

    const pending = await listPendingRegistrations(handle.db, { scopeCode: SINGOSARI })
    expect(pending.map((row) => [row.id, row.regionName, row.parentRegionName])).toEqual([
      [first.id, 'Dengkol', 'Singosari'],
      [second.id, 'Wonorejo', 'Singosari'],
    ])
    expect(
      (await listPendingRegistrations(handle.db, { scopeCode: '35.07' })).map((row) => row.id)
    ).toEqual([first.id, second.id, elsewhere.id])
    expect(await listPendingRegistrations(handle.db, { scopeCode: WONOREJO })).toHaveLength(1)

    const approved = await setPersonStatus(handle.db, { id: first.id, status: 'active' })
    expect(approved).toMatchObject({ id: first.id, status: 'active' })
    expect(
      (await listPendingRegistrations(handle.db, { scopeCode: SINGOSARI })).map((row) => row.id)
    ).toEqual([second.id])
    expect(await setPersonStatus(handle.db, { id: 999_999, status: 'active' })).toBeUndefined()
  })

  test('createPendingCadre refuses a phone another person has', async () => {
    await addPerson('Siti', '+6281200000004', ['kader'], WONOREJO)
    const error = await createPendingCadre(handle.db, {
      name: 'Siti lagi',
      phone: '+6281200000004',
      regionCode: WONOREJO,
      cadreTier: 'ppkbd',
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PhoneInUseError)
    expect(error).toMatchObject({ code: 'PHONE_IN_USE' })
  })
})

describe('opt-out and consents', () => {
  test('setOptedOut sets and clears the time', async () => {
    const { person } = await upsertPersonByPhone(handle.db, {
      name: 'Siti',
      phone: '+6281200000004',
      roles: ['kader'],
      regionCode: WONOREJO,
    })
    expect((await setOptedOut(handle.db, { personId: person.id, at: NOW }))?.optedOutAt).toEqual(
      NOW
    )
    expect((await setOptedOut(handle.db, { personId: person.id, at: null }))?.optedOutAt).toBe(null)
    const [row] = await handle.db.select().from(people).where(eq(people.id, person.id))
    expect(row!.optedOutAt).toBeNull()
    expect(await setOptedOut(handle.db, { personId: 999_999, at: NOW })).toBeUndefined()
  })

  test('the latest consent of a chat identity counts', async () => {
    const sender = { channel: 'simulator' as const, senderId: 'sim-1' }
    expect(await findLatestConsent(handle.db, sender)).toBeUndefined()
    const refused = await recordConsent(handle.db, {
      ...sender,
      noticeVersion: '2026-11-v1',
      given: false,
      at: NOW,
    })
    expect(refused).toMatchObject({ ...sender, personId: null, given: false, at: NOW })
    const { person } = await upsertPersonByPhone(handle.db, {
      name: 'Siti',
      phone: '+6281200000004',
      roles: ['kader'],
      regionCode: WONOREJO,
    })
    // Same time on purpose: insertion order decides, not the clock.
    const given = await recordConsent(handle.db, {
      ...sender,
      personId: person.id,
      noticeVersion: '2026-11-v1',
      given: true,
      at: NOW,
    })
    await recordConsent(handle.db, {
      channel: 'simulator',
      senderId: 'sim-2',
      noticeVersion: '2026-11-v1',
      given: false,
      at: NOW,
    })
    expect(await findLatestConsent(handle.db, sender)).toEqual(given)
    expect(given.personId).toBe(person.id)
    expect(await findLatestConsent(handle.db, { ...sender, channel: 'telegram' })).toBeUndefined()
  })
})
