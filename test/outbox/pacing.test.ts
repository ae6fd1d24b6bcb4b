/**
 * The pacer alone, on a hand-driven clock: sliding windows for the channel, each chat and each
 * group, sends in flight counted until they finish, and the platform's own hold-offs.
 */
import { describe, expect, test } from 'vitest'
import { createPacer, scalePacing } from '../../src/outbox/pacing.js'
import { TELEGRAM_PACING } from '../../src/channels/telegram/sender.js'

/** A clock the test moves by hand. */
function manualClock(start = 1_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

/** Starts and at once finishes a send, as a fast platform would. */
const sendNow = (pacer: ReturnType<typeof createPacer>, to: string) => pacer.begin(to)()

describe('pacer', () => {
  test('without limits nothing waits (the simulator)', () => {
    const clock = manualClock()
    const pacer = createPacer({}, clock.now)
    for (let i = 0; i < 100; i++) sendNow(pacer, 'sim-1')
    expect(pacer.delayFor('sim-1')).toBe(0)
  })

  test('a chat gets one message per second; other chats are not held by it', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    sendNow(pacer, '11')
    expect(pacer.delayFor('11')).toBe(1000)
    expect(pacer.delayFor('12')).toBe(0)
    clock.advance(400)
    expect(pacer.delayFor('11')).toBe(600)
    clock.advance(600)
    expect(pacer.delayFor('11')).toBe(0)
  })

  test('the bot sends at most 30 in any second; the 31st waits for the oldest to age out', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    for (let i = 0; i < 30; i++) {
      expect(pacer.delayFor(`${100 + i}`)).toBe(0)
      sendNow(pacer, `${100 + i}`)
      clock.advance(10)
    }
    // 30 sends at t=0..290 ms (relative); the first leaves the window at 1000.
    expect(pacer.delayFor('999')).toBe(1000 - 300)
    clock.advance(700)
    expect(pacer.delayFor('999')).toBe(0)
  })

  test('a group chat gets 20 a minute', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    for (let i = 0; i < 20; i++) {
      expect(pacer.delayFor('-100')).toBe(0)
      sendNow(pacer, '-100')
      clock.advance(1000)
    }
    // Sent at 0..19 s; the first leaves the minute at 60 s, 40 s from now (t = 20 s).
    expect(pacer.delayFor('-100')).toBe(40_000)
    expect(pacer.delayFor('100')).toBe(0)
  })

  test('a send in flight counts until it finished, and from when it finished', () => {
    const clock = manualClock()
    const pacer = createPacer({ total: { count: 2, windowMs: 100 } }, clock.now)
    const first = pacer.begin('a')
    const second = pacer.begin('b')
    // Both in flight: only a finish can make room.
    expect(pacer.delayFor('c')).toBe(Infinity)
    clock.advance(30)
    first()
    expect(pacer.delayFor('c')).toBe(100)
    clock.advance(100)
    expect(pacer.delayFor('c')).toBe(0)
    second()
    first() // finishing twice changes nothing
    expect(pacer.delayFor('c')).toBe(0)
  })

  test('a hold-off (429 retry_after) holds the chat, or everything', () => {
    const clock = manualClock()
    const pacer = createPacer({}, clock.now)
    pacer.holdOff(3000, '11')
    expect(pacer.delayFor('11')).toBe(3000)
    expect(pacer.delayFor('12')).toBe(0)
    pacer.holdOff(500)
    expect(pacer.delayFor('12')).toBe(500)
    clock.advance(3000)
    expect(pacer.delayFor('11')).toBe(0)
  })

  test('scaling stretches every window and keeps the counts', () => {
    const scaled = scalePacing(TELEGRAM_PACING, 0.1)
    expect(scaled.total).toEqual({ count: 30, windowMs: 100 })
    expect(scaled.perChat).toEqual({ count: 1, windowMs: 100 })
    expect(scaled.perGroup).toEqual({ count: 20, windowMs: 6000 })
    expect(scaled.isGroup?.('-5')).toBe(true)
  })

  test('memory follows the active chats: idle windows are forgotten', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    for (let i = 0; i < 5000; i++) {
      sendNow(pacer, `${i}`)
      clock.advance(50)
    }
    // Long after, every chat may be written to again at once.
    clock.advance(60_000)
    expect(pacer.delayFor('1')).toBe(0)
    expect(pacer.delayFor('4999')).toBe(0)
  })
})
