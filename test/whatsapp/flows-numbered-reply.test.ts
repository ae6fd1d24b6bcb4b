/**
 * How the WhatsApp channel reads a reply to an unprompted message's numbered list (its "1.
 * Tinjau", "1. Laporkan hasil", "1. Isi survei"): only a bare option number or the exact label
 * is a pick, so commands and sentences still reach the engine as text.
 */
import { describe, expect, test } from 'vitest'
import { pickChoice, pickedFromList } from '../../src/channels/whatsapp/numbered-reply.js'

const CHOICES = [
  { id: 'start:referral-outcome:3', label: 'Laporkan hasil' },
  { id: 'start:referral-outcome:5', label: 'Tinjau  lagi' },
]
const pick = (text: string) => {
  const folded = pickedFromList(text)
  return folded === undefined ? undefined : pickChoice(folded, CHOICES)?.id
}

describe('a reply to a numbered list the channel rendered', () => {
  test('a bare number, with a dot or bracket and spaces, picks that option', () => {
    expect(pick('1')).toBe('start:referral-outcome:3')
    expect(pick(' 2. ')).toBe('start:referral-outcome:5')
    expect(pick('2)')).toBe('start:referral-outcome:5')
  })

  test('the exact label picks it, in any case and spacing', () => {
    expect(pick('laporkan HASIL')).toBe('start:referral-outcome:3')
    expect(pick('tinjau lagi')).toBe('start:referral-outcome:5')
  })

  test('anything else stays text for the engine: out of range, commands, sentences', () => {
    for (const text of ['3', '0', '12', 'menu', 'mulai', 'lapor', 'laporkan', '1 dan 2', '', '  '])
      expect(pick(text)).toBeUndefined()
    expect(pickedFromList('x'.repeat(61))).toBeUndefined()
  })
})
