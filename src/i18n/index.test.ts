import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createI18n, DEFAULT_LOCALES_DIR, LocaleFileError } from './index.js'
import type { I18n } from './index.js'

/** Writes a throw-away locales folder: `{ lng: { namespace: json } }`. */
async function writeLocales(files: Record<string, Record<string, unknown>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kaderbot-locales-'))
  for (const [lng, namespaces] of Object.entries(files)) {
    await mkdir(join(dir, lng))
    for (const [namespace, content] of Object.entries(namespaces)) {
      await writeFile(join(dir, lng, `${namespace}.json`), JSON.stringify(content))
    }
  }
  return dir
}

/** A missing-key reporter that makes any missing key fail the test at once. */
function throwOnMissing(lng: string, ns: string, key: string): never {
  throw new Error(`missing text ${lng}/${ns}:${key}`)
}

const dirs: string[] = []
let i18n: I18n

beforeAll(async () => {
  const dir = await writeLocales({
    id: {
      common: {
        yes: 'Ya',
        greeting: 'Halo, {{who}}!',
        chosen: 'Pilihan Anda: {{choice}}.',
        wrapped: '[{{inner}}]',
        nestedGreeting: 'Pesan: $t(greeting)',
        spaced: 'Untuk {{- who }} pada {{when, tanggal}}',
        sessionAt: 'Sesi berikutnya {{at, waktu}}.',
        sessionDay: 'Tanggal: {{date, tanggal}} ({{date, tanggal_pendek}})',
        sessionClock: 'Mulai jam {{at, jam}}.',
        lila: 'LiLA {{size, angka}} cm',
        price: 'Harga {{amount, rupiah}}',
        members_other: '{{count}} anggota keluarga',
        options: 'ns={{ns}} lng={{lng}}',
        empty: '',
      },
      'visit-report': {
        askMembers: 'Berapa anggota keluarga?',
        summary: 'Kunjungan: {{members}}, {{answer}}',
      },
    },
    jv: { common: { yes: 'Nggih' } },
  })
  dirs.push(dir)
  i18n = await createI18n({
    localesDir: dir,
    timeZone: 'Asia/Jakarta',
    onMissingKey: throwOnMissing,
  })
})

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describe('createI18n render', () => {
  test('renders a plain key of the default namespace', () => {
    expect(i18n.render({ key: 'yes' })).toBe('Ya')
  })

  test('renders a key of a flow namespace', () => {
    expect(i18n.render({ key: 'visit-report:askMembers' })).toBe('Berapa anggota keluarga?')
  })

  test('interpolates params without HTML escaping', () => {
    expect(i18n.render({ key: 'greeting', params: { who: 'Bu <Siti> & Pak "Budi"' } })).toBe(
      'Halo, Bu <Siti> & Pak "Budi"!'
    )
  })

  test('renders nested texts in params first, at any depth', () => {
    expect(i18n.render({ key: 'chosen', params: { choice: { key: 'yes' } } })).toBe(
      'Pilihan Anda: Ya.'
    )
    expect(
      i18n.render({
        key: 'wrapped',
        params: { inner: { key: 'chosen', params: { choice: { key: 'yes' } } } },
      })
    ).toBe('[Pilihan Anda: Ya.]')
    expect(
      i18n.render({
        key: 'visit-report:summary',
        params: { members: 4, answer: { key: 'greeting', params: { who: 'Siti' } } },
      })
    ).toBe('Kunjungan: 4, Halo, Siti!')
  })

  test('tries a key list in order', () => {
    expect(i18n.render({ key: ['visit-report:askMembers_retry', 'visit-report:askMembers'] })).toBe(
      'Berapa anggota keluarga?'
    )
    expect(i18n.render({ key: ['yes', 'greeting'], params: { who: 'x' } })).toBe('Ya')
  })

  test('uses the requested language, falling back to Indonesian', () => {
    expect(i18n.render({ key: 'yes' }, 'jv')).toBe('Nggih')
    expect(i18n.render({ key: 'greeting', params: { who: 'Siti' } }, 'jv')).toBe('Halo, Siti!')
    expect(i18n.render({ key: 'greeting', params: { who: 'Siti' } }, 'mad')).toBe('Halo, Siti!')
  })

  test('uses count for plurals (Indonesian has only "other")', () => {
    expect(i18n.render({ key: 'members', params: { count: 1 } })).toBe('1 anggota keluarga')
    expect(i18n.render({ key: 'members', params: { count: 5 } })).toBe('5 anggota keluarga')
  })

  test('a kept render is known by every param its template names, nested templates included', () => {
    // Rendered twice each way, so the second of each comes from what was kept.
    for (let round = 0; round < 2; round++) {
      expect(i18n.render({ key: 'yes', params: { who: 'Siti' } })).toBe('Ya')
      expect(i18n.render({ key: 'yes', params: { who: 'Budi' } })).toBe('Ya')
      expect(i18n.render({ key: 'greeting', params: { who: 'Siti', extra: 1 } })).toBe(
        'Halo, Siti!'
      )
      expect(i18n.render({ key: 'greeting', params: { who: 'Budi', extra: 1 } })).toBe(
        'Halo, Budi!'
      )
      expect(i18n.render({ key: 'nestedGreeting', params: { who: 'Siti' } })).toBe(
        'Pesan: Halo, Siti!'
      )
      expect(i18n.render({ key: 'nestedGreeting', params: { who: 'Budi' } })).toBe(
        'Pesan: Halo, Budi!'
      )
      const spaced = (who: string, when: string) =>
        i18n.render({ key: 'spaced', params: { who, when } })
      expect(spaced('Siti', '2025-11-24')).toBe('Untuk Siti pada Senin, 24 November 2025')
      expect(spaced('Siti', '2025-11-25')).toBe('Untuk Siti pada Selasa, 25 November 2025')
      expect(spaced('Budi', '2025-11-25')).toBe('Untuk Budi pada Selasa, 25 November 2025')
      expect(i18n.render({ key: 'members', params: { count: round + 2 } })).toBe(
        `${round + 2} anggota keluarga`
      )
    }
  })

  test('a param named like an i18next option stays a param', () => {
    expect(i18n.render({ key: 'options', params: { ns: 'visit-report', lng: 'jv' } })).toBe(
      'ns=visit-report lng=jv'
    )
  })
})

describe('createI18n formatters', () => {
  test('waktu: date, time and zone in the configured zone', () => {
    expect(i18n.render({ key: 'sessionAt', params: { at: '2025-11-23T17:30:00Z' } })).toBe(
      'Sesi berikutnya Senin, 24 November 2025 pukul 00.30 WIB.'
    )
  })

  test('tanggal and tanggal_pendek: calendar dates', () => {
    expect(i18n.render({ key: 'sessionDay', params: { date: '2025-11-24' } })).toBe(
      'Tanggal: Senin, 24 November 2025 (24 Nov 2025)'
    )
  })

  test('jam: wall-clock time', () => {
    expect(i18n.render({ key: 'sessionClock', params: { at: '2025-11-24T01:00:00Z' } })).toBe(
      'Mulai jam 08.00.'
    )
  })

  test('angka and rupiah: Indonesian separators', () => {
    expect(i18n.render({ key: 'lila', params: { size: 23.5 } })).toBe('LiLA 23,5 cm')
    expect(i18n.render({ key: 'price', params: { amount: 1500000 } })).toBe(
      'Harga Rp\u00a01.500.000'
    )
  })

  test('the zone is the one given to createI18n', async () => {
    const other = await createI18n({
      localesDir: dirs[0],
      timeZone: 'Asia/Makassar',
      onMissingKey: throwOnMissing,
    })
    expect(other.render({ key: 'sessionAt', params: { at: '2025-11-23T17:30:00Z' } })).toBe(
      'Sesi berikutnya Senin, 24 November 2025 pukul 01.30 WITA.'
    )
  })
})

/** An i18n over the test locales that records missing keys in `reported` instead of throwing. */
function lenientI18n(reported: string[]): Promise<I18n> {
  return createI18n({
    localesDir: dirs[0],
    timeZone: 'Asia/Jakarta',
    onMissingKey: (lng, ns, key) => reported.push(`${lng}/${ns}:${key}`),
  })
}

describe('createI18n missing keys', () => {
  test('a missing key is reported (and throws here)', () => {
    expect(() => i18n.render({ key: 'visit-report:nope' })).toThrow(
      'missing text id/visit-report:nope'
    )
  })

  test('a key list is reported once, by its last key, only when none exists', () => {
    const reported: string[] = []
    return lenientI18n(reported).then((lenient) => {
      expect(lenient.render({ key: ['first', 'second'] }, 'jv')).toBe('second')
      expect(lenient.render({ key: ['first', 'yes'] })).toBe('Ya')
      expect(lenient.t('direct')).toBe('direct')
      expect(reported).toEqual(['jv/common:second', 'id/common:direct'])
    })
  })

  test('a kept render is the same text, and a missing key is reported on every render', () => {
    const reported: string[] = []
    return lenientI18n(reported).then((lenient) => {
      const greeting = { key: 'greeting', params: { who: 'Siti' } }
      expect(lenient.render(greeting)).toBe('Halo, Siti!')
      expect(lenient.render({ key: 'greeting', params: { who: 'Siti' } })).toBe('Halo, Siti!')
      expect(lenient.render({ key: 'greeting', params: { who: 'Budi' } })).toBe('Halo, Budi!')
      const nested = { key: 'greeting', params: { who: { key: 'absent' } } }
      expect(lenient.render(nested)).toBe('Halo, absent!')
      expect(lenient.render(nested)).toBe('Halo, absent!')
      expect(reported).toEqual(['id/common:absent', 'id/common:absent'])
    })
  })

  test('an empty translation counts as missing', () => {
    expect(() => i18n.render({ key: 'empty' })).toThrow('missing text id/common:empty')
  })

  test('has() tells whether a key exists', () => {
    expect(i18n.has('yes')).toBe(true)
    expect(i18n.has('visit-report:askMembers')).toBe(true)
    expect(i18n.has('visit-report:nope')).toBe(false)
  })

  test('t is i18next’s own', () => {
    expect(i18n.t('greeting', { who: 'Siti' })).toBe('Halo, Siti!')
  })
})

describe('createI18n locale files', () => {
  test('loads the repository’s locales by default', async () => {
    const repo = await createI18n({ timeZone: 'Asia/Jakarta', onMissingKey: throwOnMissing })
    expect(repo.render({ key: 'yes' })).toBe('Ya')
    expect(repo.render({ key: 'common:no' })).toBe('Tidak')
    expect(DEFAULT_LOCALES_DIR).toMatch(/locales[/\\]$/)
  })

  test('refuses a locale file that is not a JSON object', async () => {
    const dir = await writeLocales({ id: {} })
    dirs.push(dir)
    await writeFile(join(dir, 'id', 'broken.json'), '{"yes": "Ya",}')
    await expect(createI18n({ localesDir: dir, timeZone: 'Asia/Jakarta' })).rejects.toThrow(
      LocaleFileError
    )
    await writeFile(join(dir, 'id', 'broken.json'), '["Ya"]')
    await expect(createI18n({ localesDir: dir, timeZone: 'Asia/Jakarta' })).rejects.toThrow(
      /must hold a JSON object/
    )
  })
})
