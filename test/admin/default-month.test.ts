/**
 * The month the Ringkasan opens on: the previous month until the
 * reporting deadline (the 3rd, WIB), never an empty month while an earlier one has data, and an
 * empty month says where the data is. On the hand-seeded November 2025 of `test/harness/admin.ts`
 * (visits only in November).
 */
import { describe, expect, test } from 'vitest'
import { defaultDashboardPeriod, reportingPeriod } from '../../src/domain/report-period.js'
import { createDashboardApp, signInWithToken, useSeededDashboard } from '../harness/admin.js'

const month = useSeededDashboard()
const WIB = 'Asia/Jakarta'

/** The month the page shows and its empty-month note, if any. */
async function opened(now: Date, query = '') {
  const app = await createDashboardApp(month.db, { clock: () => now })
  const admin = await signInWithToken(app)
  const html = await (await admin.get(`/admin${query}`)).text()
  const shown = /Periode ([A-Za-z]+ \d{4}),/.exec(html)?.[1]
  const note = /<p class="notice" id="empty-month">([\s\S]*?)<\/p>/.exec(html)?.[1]
  return {
    shown,
    note: note
      ?.replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
    link: /id="empty-month">[\s\S]*?href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&'),
  }
}

describe('the reporting month', () => {
  test('is the previous month up to 23.59 WIB on the 3rd', () => {
    // 3 December 2025 23.59 WIB = 16.59 UTC.
    expect(reportingPeriod(new Date('2025-12-03T16:59:00Z'), WIB)).toBe('2025-11')
    // 4 December 2025 00.00 WIB.
    expect(reportingPeriod(new Date('2025-12-03T17:00:00Z'), WIB)).toBe('2025-12')
    // 1 January 2026 00.30 WIB (still 31 December in UTC): December 2025.
    expect(reportingPeriod(new Date('2025-12-31T17:30:00Z'), WIB)).toBe('2025-12')
    expect(reportingPeriod(new Date('2026-01-04T01:00:00Z'), WIB)).toBe('2026-01')
  })

  test('an earlier month with data wins over an empty reporting month', () => {
    expect(defaultDashboardPeriod('2025-12', '2025-11')).toBe('2025-11')
    expect(defaultDashboardPeriod('2025-12', '2025-12')).toBe('2025-12')
    expect(defaultDashboardPeriod('2025-12', null)).toBe('2025-12')
  })
})

describe('Ringkasan opens on', () => {
  test('November on 2 December (before the deadline)', async () => {
    expect(await opened(new Date('2025-12-02T03:00:00Z'))).toEqual({
      shown: 'November 2025',
      note: undefined,
      link: undefined,
    })
  })

  test('November on 10 December, as December has no visits yet', async () => {
    expect((await opened(new Date('2025-12-10T03:00:00Z'))).shown).toBe('November 2025')
  })

  test('November in November', async () => {
    expect((await opened(new Date('2025-11-28T05:00:00Z'))).shown).toBe('November 2025')
  })

  test('the reporting month when nothing earlier has data, saying where the data is', async () => {
    // October 2025: the only data (November) is later.
    expect(await opened(new Date('2025-10-20T03:00:00Z'))).toEqual({
      shown: 'Oktober 2025',
      note: 'Belum ada kunjungan yang dilaporkan untuk Oktober 2025 di wilayah ini. Lihat data terakhir: November 2025',
      link: '/admin?bulan=2025-11',
    })
  })

  test('an empty month chosen by hand says where the data is, within the kecamatan', async () => {
    const result = await opened(
      new Date('2025-12-10T03:00:00Z'),
      '?bulan=2025-09&kecamatan=35.07.24'
    )
    expect(result.shown).toBe('September 2025')
    expect(result.note).toContain('Lihat data terakhir: November 2025')
    expect(result.link).toBe('/admin?bulan=2025-11&kecamatan=35.07.24')
  })
})
