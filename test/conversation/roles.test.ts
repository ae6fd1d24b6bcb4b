/**
 * The example roster, imported as a newcomer would, then every example person consenting and
 * seeing the menu of their roles.
 */
import { readFile } from 'node:fs/promises'
import { expect, test } from 'vitest'
import type { InboundMessage, OutboundMessage } from '../../src/domain/messages.js'
import { importPeople } from '../../src/import/people.js'
import { useTestDb } from '../harness/db.js'
import { createTestRuntime, simulatorMessage } from '../harness/runtime.js'

const NOW = new Date('2025-11-24T01:00:00Z')

const handle = useTestDb()

test('each example person is recognised by phone and sees the menu of their roles', async () => {
  const csv = await readFile(new URL('../../examples/people.csv', import.meta.url), 'utf8')
  const report = await importPeople(handle.db, csv)
  expect(report.rejected).toBe(0)

  // In the simulator, where the demo flow (Kenalan) is offered.
  const { runtime, sender } = await createTestRuntime(handle.db)
  const menuOf = async (phone: string) => {
    const say = async (text: string) =>
      (await runtime.handleInbound({ ...simulatorMessage(`wa-${phone}`, text), phone }, NOW))
        .replies
    await say('halo')
    const [, menu] = await say('ya')
    return [menu!.text, ...(menu!.choices ?? []).map((c) => c.label)]
  }

  expect(await menuOf('+6281200000001')).toEqual([
    'Halo, Dewi Kartikasari! Menu utama:',
    'Persetujuan pendaftaran kader',
    'Siaran',
    'Kenalan (coba bot)',
  ])
  expect(await menuOf('+6281200000002')).toEqual([
    'Halo, Bambang Supriyadi! Menu utama:',
    'Persetujuan pendaftaran kader',
    'Siaran',
    'Kenalan (coba bot)',
  ])
  expect(await menuOf('+6281200000003')).toEqual([
    'Halo, Sri Wahyuni! Menu utama:', // mentor
    'Jadwal pelatihan',
    'Catat kehadiran peserta',
    'Kode kehadiran hari ini',
    'Tandai kompeten',
    'Kenalan (coba bot)',
  ])
  expect(await menuOf('+6281200000004')).toEqual([
    'Halo, Siti Rahayu! Menu utama:', // kader in a desa
    'Lapor kunjungan rumah',
    'Lapor kegiatan Poktan',
    'Riwayat laporan saya',
    'Tindak lanjut rujukan',
    'Kenalan (coba bot)',
  ])
  expect(await menuOf('+6281200000005')).toEqual([
    'Halo, Ibu Nur Aini! Menu utama:', // peserta
    'Jadwal pelatihan',
    'Isi kehadiran',
    'Izin tidak hadir',
    'Sertifikat pelatihan',
    'Kenalan (coba bot)',
  ])
  expect(await menuOf('+6281200000006')).toEqual([
    'Halo, Endang Susilowati! Menu utama:', // mentor + kader: both roles' items
    'Lapor kunjungan rumah',
    'Lapor kegiatan Poktan',
    'Riwayat laporan saya',
    'Tindak lanjut rujukan',
    'Jadwal pelatihan',
    'Lainnya', // the menu's second page: Catat kehadiran, KODE, KOMPETEN, Kenalan
  ])
  expect(await menuOf('+6281200000100')).toEqual([
    'Menu utama. Silakan pilih:',
    'Daftar sebagai kader',
    'Kenalan (coba bot)',
  ])
  await sender.idle()
})

test('the demo flow (Kenalan) is offered in the simulator and on a demo database only', async () => {
  const csv = await readFile(new URL('../../examples/people.csv', import.meta.url), 'utf8')
  await importPeople(handle.db, csv)
  const real = await createTestRuntime(handle.db)
  const demo = await createTestRuntime(handle.db, { demoData: true })
  const kader = '+6281200000004'
  type Chat = Pick<InboundMessage, 'channel' | 'senderId' | 'phone'>
  const talk = (runtime: typeof real.runtime, chat: Chat) => async (text: string) =>
    (await runtime.handleInbound({ ...simulatorMessage(chat.senderId, text), ...chat }, NOW))
      .replies
  const menuOf = async (say: (text: string) => Promise<OutboundMessage[]>) => {
    await say('halo')
    const [, menu] = await say('ya')
    return (menu!.choices ?? []).map((c) => c.label)
  }
  const onTelegram = talk(real.runtime, { channel: 'telegram', senderId: 'tg-1' })
  const onWhatsApp = talk(real.runtime, { channel: 'whatsapp', senderId: 'wa-1', phone: kader })
  const inSimulator = talk(real.runtime, { channel: 'simulator', senderId: 'sim-1', phone: kader })
  const onDemoTelegram = talk(demo.runtime, { channel: 'telegram', senderId: 'tg-2' })

  expect(await menuOf(onTelegram)).toEqual(['Daftar sebagai kader'])
  expect((await onTelegram('/kenalan'))[0]!.text).toMatch(/^Maaf, menu itu tidak tersedia/)
  expect(await menuOf(onWhatsApp)).toEqual([
    'Lapor kunjungan rumah',
    'Lapor kegiatan Poktan',
    'Riwayat laporan saya',
    'Tindak lanjut rujukan',
  ])
  expect(await menuOf(inSimulator)).toContain('Kenalan (coba bot)')
  expect(await menuOf(onDemoTelegram)).toEqual(['Daftar sebagai kader', 'Kenalan (coba bot)'])
  expect((await onDemoTelegram('/kenalan'))[0]!.text).toMatch(/^Halo! Mari berkenalan\./)
  await Promise.all([real.sender.idle(), demo.sender.idle()])
})
