/**
 * The pacer alone, on a hand-driven clock: the windows of the channel, each chat and each group
 * count a send while in flight and until a window after the latest it can have arrived (its
 * answer less the measured platform part), so no window of the platform's length ever holds more
 * than its limit by arrival; the channel's even spacing; and the platform's own hold-offs.
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

/** A repeatable stream of numbers in [0, 1). */
function seeded(seed: number) {
  let state = seed
  return () => ((state = (state * 16_807) % 2_147_483_647) - 1) / 2_147_483_646
}

/** The most times in any half-open window of `windowMs` (the platform's count by arrival). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

/**
 * Sends `count` messages to distinct chats through the pacer on the hand-driven clock, each as
 * soon as it allows; answers that come back while a send waits are recorded first, as the
 * sender's event loop would. The platform receives a send `arriveAfter` ms after its start and
 * answers `answerAfter` ms after it.
 */
function simulate(
  pacer: ReturnType<typeof createPacer>,
  clock: ReturnType<typeof manualClock>,
  count: number,
  timing: (i: number) => { arriveAfter: number; answerAfter: number }
) {
  const answers: { at: number; done: () => void }[] = []
  const arrivals: number[] = []
  const answerDue = () => {
    while (answers.length > 0 && answers[0]!.at <= clock.now()) answers.shift()!.done()
  }
  let firstStart = 0
  for (let i = 0; i < count; i++) {
    const chat = `${1000 + i}`
    for (answerDue(); ; answerDue()) {
      const wait = pacer.delayFor(chat)
      if (wait === 0) break
      clock.advance(Math.min(wait, (answers[0]?.at ?? Infinity) - clock.now()))
    }
    const { arriveAfter, answerAfter } = timing(i)
    if (i === 0) firstStart = clock.now()
    arrivals.push(clock.now() + arriveAfter)
    const answer = { at: clock.now() + answerAfter, done: pacer.begin(chat) }
    const at = answers.findIndex((other) => other.at > answer.at)
    answers.splice(at === -1 ? answers.length : at, 0, answer)
  }
  return { arrivals, firstStart, lastStart: clock.now() }
}

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

  test('a send in flight counts until it is answered, then until the latest it can have arrived', () => {
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

  test('the latest arrival: the answer less the platform part, the fastest recent answer less 5% of the shortest window', () => {
    const clock = manualClock()
    const pacer = createPacer({ perChat: { count: 1, windowMs: 1000 } }, clock.now)
    // Before any answer: none, an answered send counts from its answer.
    expect(pacer.platformPartMs()).toBe(0)
    const answer = (to: string, ms: number) => {
      const done = pacer.begin(to)
      clock.advance(ms)
      done()
    }
    answer('a', 300)
    expect(pacer.delayFor('a')).toBe(1000)
    // Answers of 300 to 335 ms: the platform's part is 300 - 50 = 250 ms.
    for (let i = 0; i < 8; i++) answer(`b${i}`, 300 + i * 5)
    expect(pacer.platformPartMs()).toBe(250)
    answer('c', 310)
    // 'c' started 310 ms ago and arrived 60 ms after its start at the latest: 750 ms to wait.
    expect(pacer.delayFor('c')).toBe(1000 - 310 + 60)
    // A very slow answer holds only its own place: it counts until 1 s after its answer less 250.
    answer('d', 5000)
    expect(pacer.delayFor('d')).toBe(1000 - 250)
    expect(pacer.platformPartMs()).toBe(250)
    // A fast answer (a refused send) lowers the platform's part for the next 64 answers.
    answer('e', 25)
    expect(pacer.platformPartMs()).toBe(0)
    for (let i = 0; i < 64; i++) answer(`f${i}`, 300)
    expect(pacer.platformPartMs()).toBe(250)
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

  test('300 ms answers, arrivals 0-20 ms after the start: never over 30 in a second, 95% of the paced rate', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    const random = seeded(7)
    const run = simulate(pacer, clock, 10_000, () => {
      const arriveAfter = random() * 20
      return { arriveAfter, answerAfter: arriveAfter + 280 }
    })
    expect(busiestWindow(run.arrivals, 1000)).toBeLessThanOrEqual(30)
    const rate = (9999 * 1000) / (run.lastStart - run.firstStart)
    console.info(`[pacing] 300 ms answers: ${rate.toFixed(2)} starts/s (paced 28.5)`)
    expect(rate).toBeLessThanOrEqual(28.5 * 1.01)
    expect(rate).toBeGreaterThanOrEqual(28.5 * 0.95)
  })

  test('a busy loop now and then holds requests back after their start: never over 30 in a second, 95% of the paced rate', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    const random = seeded(5)
    const run = simulate(pacer, clock, 10_000, (i) => {
      // Every 40th send the event loop is busy 0-150 ms between the start and the request
      // leaving: it arrives late and its answer is late by as much.
      const late = i % 40 === 39 ? random() * 150 : 0
      const arriveAfter = random() * 20 + late
      return { arriveAfter, answerAfter: arriveAfter + 280 }
    })
    expect(busiestWindow(run.arrivals, 1000)).toBeLessThanOrEqual(30)
    // A held-up send counts until its answer: one place, the rate holds.
    const rate = (9999 * 1000) / (run.lastStart - run.firstStart)
    expect(rate).toBeLessThanOrEqual(28.5 * 1.01)
    expect(rate).toBeGreaterThanOrEqual(28.5 * 0.95)
  })

  test('answers of 50-400 ms, an arrival anywhere in the variable part: never over 30 in a second, at the rate that allows', () => {
    // The way out takes all of what varies (0-350 ms), the platform answers 50 ms after the
    // arrival: each send counts until 1 s after its own arrival (and 50 ms), in flight or not.
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    const random = seeded(11)
    const run = simulate(pacer, clock, 5_000, () => {
      const arriveAfter = random() * 350
      return { arriveAfter, answerAfter: arriveAfter + 50 }
    })
    expect(busiestWindow(run.arrivals, 1000)).toBeLessThanOrEqual(30)
    // Sends count about 1.23 s on average (arrivals 0-350 ms after the start, 50 ms more).
    const rate = (4999 * 1000) / (run.lastStart - run.firstStart)
    expect(rate).toBeLessThanOrEqual(30 / 1.15)
    expect(rate).toBeGreaterThanOrEqual(30 / 1.3)
  })

  test('timers that catch up after a stall never bring 31 starts into a second', () => {
    const clock = manualClock()
    const pacer = createPacer(TELEGRAM_PACING, clock.now)
    const random = seeded(3)
    const starts: number[] = []
    for (let i = 0; i < 3000; i++) {
      clock.advance(pacer.delayFor(`${i}`))
      // A third of the starts come up to half a gap late (they keep their slot), one in fifty
      // after a stall of up to 300 ms.
      if (i % 3 === 0) clock.advance((random() * spacingMs(TELEGRAM_PACING)) / 2)
      if (i % 50 === 49) clock.advance(random() * 300)
      starts.push(clock.now())
      sendNow(pacer, `${i}`)
    }
    expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(30)
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
