/**
 * The pacer alone, on a hand-driven clock: sliding windows for the channel, each chat and each
 * group, sends in flight counted until they finish, and the platform's own hold-offs.
 */
import { describe, expect, test } from 'vitest'
import { createConcurrency, createPacer, scalePacing, spacingMs } from '../../src/outbox/pacing.js'
import { TELEGRAM_PACING } from '../../src/channels/telegram/sender.js'
import { CLOUD_PACING } from '../../src/channels/whatsapp-cloud/sender.js'

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

  test('a chat gets a burst of three, then one a second on average; other chats are not held', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    for (let i = 0; i < 3; i++) {
      expect(pacer.delayFor('11')).toBe(0)
      sendNow(pacer, '11')
      clock.advance(50)
    }
    // Three went out at 0, 50 and 100 ms: the fourth waits until the first is 3 s old.
    expect(pacer.delayFor('11')).toBe(3000 - 150)
    expect(pacer.delayFor('12')).toBe(0)
    clock.advance(3000 - 150)
    expect(pacer.delayFor('11')).toBe(0)
  })

  test('the bot starts evenly spaced at 30 a second less the 5% margin, never 30 in a second', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    const gap = 1000 / (30 * 0.95)
    expect(spacingMs(TELEGRAM_PACING)).toBeCloseTo(gap, 6)
    const starts: number[] = []
    for (let i = 0; i < 300; i++) {
      clock.advance(pacer.delayFor(`${100 + i}`))
      starts.push(clock.now())
      sendNow(pacer, `${100 + i}`)
    }
    const perSecond = starts.map((t) => starts.filter((u) => u >= t && u < t + 1000).length)
    expect(Math.max(...perSecond)).toBeLessThan(30)
    // The rate kept: 300 starts in at least 299 gaps (each start but the first a quarter gap
    // early), and no slower than the cap of 28 sends in a second allows.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(299 * gap - gap / 4 - 1e-6)
    expect(starts.at(-1)! - starts[0]!).toBeLessThanOrEqual((300 * 1000) / 28)
  })

  test('a start may come a quarter gap early or half a gap late and keep its slot; idling gives no burst', () => {
    const clock = manualClock()
    const pacer = createPacer({ total: { count: 10, windowMs: 1000 }, margin: 0 }, clock.now)
    sendNow(pacer, 'a')
    expect(pacer.delayFor('b')).toBe(75)
    clock.advance(75)
    sendNow(pacer, 'b')
    // The slot of 'b' was 100: 'c' may go at 175, 25 before its slot at 200.
    expect(pacer.delayFor('c')).toBe(100)
    // 'c' starts 15 late (a busy event loop): it keeps its slot, so 'd' may come sooner.
    clock.advance(140)
    sendNow(pacer, 'c')
    expect(pacer.delayFor('d')).toBe(60)
    clock.advance(10_000)
    sendNow(pacer, 'd')
    expect(pacer.delayFor('e')).toBe(75)
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

  test('a send in flight to a chat counts until it finished, and from when it finished', () => {
    const clock = manualClock()
    const pacer = createPacer({ perChat: { count: 2, windowMs: 100 } }, clock.now)
    const first = pacer.begin('a')
    const second = pacer.begin('a')
    // Both in flight: only a finish can make room.
    expect(pacer.delayFor('a')).toBe(Infinity)
    clock.advance(30)
    first()
    expect(pacer.delayFor('a')).toBe(100)
    clock.advance(100)
    expect(pacer.delayFor('a')).toBe(0)
    second()
    first() // finishing twice changes nothing
    expect(pacer.delayFor('a')).toBe(0)
  })

  test('a live reply is not held by the pace of unsolicited messages, but counts towards it', () => {
    const clock = manualClock()
    const pacer = createPacer(CLOUD_PACING, clock.now)
    for (let i = 0; i < 12; i++) {
      expect(pacer.delayFor('6281', true)).toBe(0)
      sendNow(pacer, '6281')
      clock.advance(1000)
    }
    // Twelve replies in 12 s: a reminder waits until only nine are left in the minute.
    expect(pacer.delayFor('6281', true)).toBe(0)
    expect(pacer.delayFor('6281')).toBe(60_000 - 12_000 + 2000)
    expect(pacer.delayFor('6282')).toBe(0)
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
    expect(scaled.perChat).toEqual({ count: 3, windowMs: 300 })
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

  test('10,000 sends with answers of 50-400 ms: no window the platform counts holds more than 30', () => {
    // The fake Bot API's rule: a send arriving when 30 arrived in the last second is refused.
    // Arrivals here come 0-20 ms after the start (network jitter); answers much later.
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    let seed = 7
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646
    const arrivals: number[] = []
    const finishing: { at: number; done: () => void }[] = []
    for (let i = 0; i < 10_000; i++) {
      const chat = `${1000 + i}`
      const wait = pacer.delayFor(chat)
      clock.advance(wait)
      for (const f of finishing.filter((f) => f.at <= clock.now())) f.done()
      arrivals.push(clock.now() + random() * 20)
      finishing.push({ at: clock.now() + 50 + random() * 350, done: pacer.begin(chat) })
    }
    arrivals.sort((a, b) => a - b)
    let most = 0
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      while (arrivals[i]! - arrivals[j]! >= 1000) j++
      most = Math.max(most, i - j + 1)
    }
    expect(most).toBeLessThanOrEqual(30)
    // The rate: never above the paced 28.5 a second; the cap on sends in flight and finished
    // within the window holds it near 21.5 a second when answers take 50-400 ms.
    expect(clock.now() - 1000).toBeGreaterThanOrEqual((9999 * 1000) / 28.5)
    expect(clock.now() - 1000).toBeLessThanOrEqual((9999 * 1000) / 21)
  })
})

describe('sends in flight', () => {
  test('grow with the answer time to keep the paced rate, within their bound', () => {
    const concurrency = createConcurrency({ base: 4, max: 32, spacingMs: 1000 / 28.5 })
    expect(concurrency.limit()).toBe(4)
    for (let i = 0; i < 30; i++) concurrency.observe(40)
    // 40 ms answers need about 1.1 in flight: the base is enough.
    expect(concurrency.limit()).toBe(4)
    for (let i = 0; i < 30; i++) concurrency.observe(300)
    // 300 ms answers need 8.6 in flight at 28.5 a second: with head room, 14.
    expect(concurrency.limit()).toBe(14)
    for (let i = 0; i < 30; i++) concurrency.observe(5000)
    expect(concurrency.limit()).toBe(32)
    for (let i = 0; i < 60; i++) concurrency.observe(40)
    expect(concurrency.limit()).toBe(4)
  })

  test('stay at the base without a channel rate to size them for', () => {
    const concurrency = createConcurrency({ base: 2, max: 16, spacingMs: 0 })
    concurrency.observe(1000)
    expect(concurrency.limit()).toBe(2)
  })
})
