/**
 * A small seeded pseudo-random generator (mulberry32) for the demo data: the same seed gives the
 * same demo, so tests can assert exact figures. Not for anything secret.
 * @module
 */

/** A seeded source of pseudo-random numbers and the few draws the demo needs. */
export type Random = {
  /** A float in [0, 1). */
  next: () => number
  /** An integer in [min, max], both included. */
  int: (min: number, max: number) => number
  /** True with probability `p`. */
  chance: (p: number) => boolean
  /** One element of a non-empty list. */
  pick: <T>(items: readonly T[]) => T
  /** One key of a table of weights (`{ pus: 50, bumil: 10 }`), in proportion to its weight. */
  weighted: <K extends string>(weights: Readonly<Record<K, number>>) => K
}

/** A generator seeded with a 32-bit integer. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (weights) => {
      const entries = Object.entries(weights) as [keyof typeof weights, number][]
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0)
      let u = next() * total
      for (const [key, weight] of entries) {
        u -= weight
        if (u < 0) return key
      }
      return entries.at(-1)![0]
    },
  }
}
