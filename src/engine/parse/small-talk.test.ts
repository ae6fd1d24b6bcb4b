import { describe, expect, test } from 'vitest'

import { parseSmallTalk } from './small-talk.js'

describe('parseSmallTalk', () => {
  test.each([
    ['halo', 'greeting'],
    ['Hai bu', 'greeting'],
    ['Selamat pagi', 'greeting'],
    ['selamat malam pak', 'greeting'],
    ['sugeng enjing', 'greeting'],
    ['Assalamualaikum', 'salam'],
    ["assalamu'alaikum wr wb", 'salam'],
    ['terima kasih', 'thanks'],
    ['Terima kasih banyak bu 🙏', 'thanks'],
    ['makasih', 'thanks'],
    ['suwun', 'thanks'],
    ['matur nuwun', 'thanks'],
    ['matur nuwun sanget', 'thanks'],
    ['sakalangkong', 'thanks'],
    ['halo, makasih ya', 'thanks'],
  ])('%j → %s', (text, kind) => {
    expect(parseSmallTalk(text)).toBe(kind)
  })

  test.each(['', 'ya', 'bu', 'halo saya mau lapor', 'terima kasih, anak saya demam', 'Salam', '2'])(
    '%j is not small talk',
    (text) => {
      expect(parseSmallTalk(text)).toBeUndefined()
    }
  )
})
