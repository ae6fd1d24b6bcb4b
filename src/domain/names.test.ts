import { describe, expect, test } from 'vitest'
import { displayName } from './names.js'

const titles = new Set(['pak', 'bapak', 'bu', 'ibu', 'bpk'])

describe('displayName', () => {
  test.each([
    ['sulastri', 'Sulastri'],
    ['SITI AMINAH', 'Siti Aminah'],
    ['pak slamet', 'Slamet'],
    ['Bu  Sri ', 'Sri'],
    ['Bpk. Bambang Supriyadi', 'Bambang Supriyadi'],
    ["ma'ruf amin", "Ma'ruf Amin"],
    ['h. slamet riyadi', 'H. Slamet Riyadi'],
    ['HJ. nur aini', 'Hj. Nur Aini'],
    ['ahmad BIN salim', 'Ahmad bin Salim'],
    ['siti al-fatimah', 'Siti Al-Fatimah'],
    ['sri wahyuni s.pd', 'Sri Wahyuni S.Pd'],
    // A form of address alone is all there is: kept, not emptied.
    ['ibu', 'Ibu'],
  ])('%s → %s', (typed, shown) => {
    expect(displayName(typed, titles)).toBe(shown)
  })
})
