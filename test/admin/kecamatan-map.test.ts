import { describe, expect, it } from 'vitest'
import { legendEntries, shadeStep } from '../../src/http/admin/kecamatan-map.js'

describe('the map legend', () => {
  it('names each shade once, with the counts it covers', () => {
    expect(legendEntries(3).map((entry) => entry.label)).toEqual(['0', '1', '2', '3'])
    expect(legendEntries(40).map((entry) => entry.label)).toEqual([
      '0',
      '1–10',
      '11–20',
      '21–30',
      '31–40',
    ])
  })

  it('agrees with the shade of every count', () => {
    for (const max of [1, 2, 3, 5, 7, 13, 40, 101]) {
      const entries = legendEntries(max)
      for (let value = 0; value <= max; value++) {
        const fill = entries.find((entry) => covers(entry.label, value))?.fill
        expect(fill, `value ${value} of ${max}`).toBe(legendFillOf(shadeStep(value, max)))
      }
    }
  })
})

const SHADE_OF = new Map(legendEntries(4).map((entry, step) => [step, entry.fill]))
const legendFillOf = (step: number) => SHADE_OF.get(step)

function covers(label: string, value: number): boolean {
  const [low, high = low] = label.split('–').map(Number)
  return value >= low! && value <= high!
}
