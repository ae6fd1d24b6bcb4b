import { describe, expect, test } from 'vitest'
import { DEFAULT_TIME_ZONE } from './dates.js'
import {
  type SessionChangePayload,
  type SessionState,
  decideSessionChange,
  isMinor,
  isNotableSessionChange,
  plansRemindersAtOnce,
  sessionPlace,
} from './training.js'

describe('isMinor (docs/domain.md, decision 7)', () => {
  test('counts whole calendar years in the zone', () => {
    const now = new Date('2026-06-01T03:00:00Z')
    // 2026 − 2009 = 17 → minor; 2026 − 2008 = 18 → adult.
    expect(isMinor(2009, now, DEFAULT_TIME_ZONE)).toBe(true)
    expect(isMinor(2008, now, DEFAULT_TIME_ZONE)).toBe(false)
    // 31 Dec 2025 17.30 UTC is already 1 Jan 2026 in WIB: 2026 − 2008 = 18.
    expect(isMinor(2008, new Date('2025-12-31T17:30:00Z'), DEFAULT_TIME_ZONE)).toBe(false)
    expect(isMinor(2008, new Date('2025-12-31T16:30:00Z'), DEFAULT_TIME_ZONE)).toBe(true)
  })

  test('the configured zone decides the year, not WIB', () => {
    // 31 Dec 2025 16.30 UTC is 1 Jan 2026 01.30 in WIT (UTC+9), still 2025 in WIB.
    const at = new Date('2025-12-31T16:30:00Z')
    expect(isMinor(2008, at, 'Asia/Jayapura')).toBe(false)
    expect(isMinor(2008, at, 'Asia/Jakarta')).toBe(true)
  })
})

const NOW = new Date('2026-11-30T02:00:00Z')
const SESSION: SessionState = {
  startsAt: new Date('2026-12-01T01:00:00Z'),
  endsAt: new Date('2026-12-01T05:00:00Z'),
  venue: 'Balai Desa Ardimulyo',
  cancelled: false,
}
const later = (hours: number): Pick<SessionState, 'startsAt' | 'endsAt'> => ({
  startsAt: new Date(SESSION.startsAt.getTime() + hours * 3600_000),
  endsAt: new Date(SESSION.endsAt.getTime() + hours * 3600_000),
})

describe('which change of a session its participants hear of', () => {
  test('a move, a cancellation and a restoration are notable; a new topic alone is not', () => {
    expect(isNotableSessionChange(SESSION, { ...SESSION, ...later(2) })).toBe(true)
    expect(isNotableSessionChange(SESSION, { ...SESSION, venue: 'Balai RW 03' })).toBe(true)
    expect(isNotableSessionChange(SESSION, { ...SESSION, cancelled: true })).toBe(true)
    expect(isNotableSessionChange({ ...SESSION, cancelled: true }, SESSION)).toBe(true)
    expect(isNotableSessionChange(SESSION, { ...SESSION })).toBe(false)
    // A cancelled session that moves stays cancelled: nobody is told of its new time.
    const cancelled = { ...SESSION, cancelled: true }
    expect(isNotableSessionChange(cancelled, { ...cancelled, ...later(2) })).toBe(false)
  })

  test('measured against the stored session when no notice is pending', () => {
    const moved = { ...SESSION, ...later(2) }
    expect(
      decideSessionChange({ stored: SESSION, pending: undefined, next: moved, now: NOW })
    ).toEqual({ change: 'moved', previous: sessionPlace(SESSION) })
    expect(
      decideSessionChange({
        stored: SESSION,
        pending: undefined,
        next: { ...SESSION, cancelled: true },
        now: NOW,
      })
    ).toEqual({ change: 'cancelled', previous: sessionPlace(SESSION) })
    expect(
      decideSessionChange({
        stored: { ...SESSION, cancelled: true },
        pending: undefined,
        next: SESSION,
        now: NOW,
      })
    ).toEqual({ change: 'restored', previous: sessionPlace(SESSION) })
  })

  test('against what a pending notice would have told: a second move keeps the first place', () => {
    const first = { ...SESSION, ...later(2) }
    const pending: SessionChangePayload = {
      sessionId: 7,
      revision: 2,
      change: 'moved',
      previous: sessionPlace(SESSION),
    }
    expect(
      decideSessionChange({ stored: first, pending, next: { ...SESSION, ...later(4) }, now: NOW })
    ).toEqual({ change: 'moved', previous: sessionPlace(SESSION) })
    // Moved back before the notice went out: nobody hears anything.
    expect(decideSessionChange({ stored: first, pending, next: SESSION, now: NOW })).toBeUndefined()
  })

  test('a cancellation undone before its notice went out tells nobody anything', () => {
    const pending: SessionChangePayload = {
      sessionId: 7,
      revision: 2,
      change: 'cancelled',
      previous: sessionPlace(SESSION),
    }
    expect(
      decideSessionChange({
        stored: { ...SESSION, cancelled: true },
        pending,
        next: SESSION,
        now: NOW,
      })
    ).toBeUndefined()
  })

  test('a session over before and after the correction is corrected silently', () => {
    const afterIt = new Date('2026-12-02T00:00:00Z')
    expect(
      decideSessionChange({
        stored: SESSION,
        pending: undefined,
        next: { ...SESSION, ...later(1) },
        now: afterIt,
      })
    ).toBeUndefined()
    // Moved from the past into the future: the participants are told.
    expect(
      decideSessionChange({
        stored: SESSION,
        pending: undefined,
        next: { ...SESSION, ...later(48) },
        now: afterIt,
      })
    ).toMatchObject({ change: 'moved' })
  })
})

describe('a new session plans its reminders at once', () => {
  test('only when it starts after now and within the 50-hour planning horizon', () => {
    const startsAt = SESSION.startsAt
    const hoursBefore = (hours: number) => new Date(startsAt.getTime() - hours * 3600_000)
    expect(plansRemindersAtOnce(startsAt, hoursBefore(3))).toBe(true)
    expect(plansRemindersAtOnce(startsAt, hoursBefore(50))).toBe(true)
    expect(plansRemindersAtOnce(startsAt, hoursBefore(51))).toBe(false)
    expect(plansRemindersAtOnce(startsAt, startsAt)).toBe(false)
    expect(plansRemindersAtOnce(startsAt, hoursBefore(-1))).toBe(false)
  })
})
