/**
 * The lexicon (`locales/id/lexicon.json`) as the choice questions read it: for each option list
 * and each word a cadre types, the option it picks, with the labels rendered from `locales/id`.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { testI18n } from '../../test/harness/i18n.js'
import { emptySnapshot } from '../domain/snapshot.js'
import { testRegionDirectory } from '../../test/harness/transcript.js'
import {
  ENV_RISKS,
  FOLLOW_UP_STATUSES,
  KB_INTENTS,
  KB_METHODS,
  KB_STATUSES,
  RISK_4T,
  SASARAN,
} from '../domain/visits.js'
import { IZIN_REASONS } from '../domain/training.js'
import { lexicon } from './lexicon.js'
import { candidatesOf } from './options.js'
import { matchChoice, matchMultiChoice } from './parse/choice.js'
import { parseMeaning } from './parse/yes-no.js'
import type { ChoiceOption, FlowContext } from './types.js'

let ctx: FlowContext

beforeAll(async () => {
  const i18n = await testI18n()
  ctx = {
    now: new Date('2025-11-24T01:00:00Z'),
    timeZone: 'Asia/Jakarta',
    label: (text) => i18n.render(text),
    snapshot: emptySnapshot(await testRegionDirectory()),
  }
})

/** The options of a static list, labelled `<prefix>.<value>` as `askChoice` labels them. */
function optionsOf(prefix: string, values: readonly string[]): ChoiceOption[] {
  return values.map((id) => ({ id, label: { key: `${prefix}.${id}` } }))
}

function pick(text: string, options: ChoiceOption[]): string | undefined {
  const match = matchChoice(text, candidatesOf(options, ctx))
  return match.kind === 'match' ? match.id : undefined
}

/** Option list → [typed word, option id it picks]. */
const TABLE: Record<string, { options: () => ChoiceOption[]; words: [string, string][] }> = {
  sasaran: {
    options: () => optionsOf('visit-report:sasaran', SASARAN),
    words: [
      ['bumil', 'bumil'],
      ['ibu hamil', 'bumil'],
      ['meteng', 'bumil'],
      ['bufas', 'bufas'],
      ['nifas', 'bufas'],
      ['busui', 'bufas'],
      ['pascasalin', 'bufas'],
      ['catin', 'catin'],
      ['calon manten', 'catin'],
      ['baduta', 'baduta'],
      ['balita', 'balita'],
      ['remaja', 'remaja'],
      ['lansia', 'lansia'],
      ['PUS', 'pus'],
      ['KRS', 'krs'],
      ['stunting', 'krs'],
    ],
  },
  kbStatus: {
    options: () => optionsOf('visit-report:kbStatus', KB_STATUSES),
    words: [
      ['belum kb', 'tidak_kb'],
      ['gak kb', 'tidak_kb'],
      ['ga kb', 'tidak_kb'],
      ['mboten kb', 'tidak_kb'],
      ['ora kb', 'tidak_kb'],
      ['blm kb', 'tidak_kb'],
      ['belum', 'tidak_kb'],
      ['tidak', 'tidak_kb'],
      ['sudah kb', 'ber_kb'],
      ['ikut kb', 'ber_kb'],
      ['sampun', 'ber_kb'],
      ['hamil', 'hamil'],
      ['meteng', 'hamil'],
    ],
  },
  kbMethod: {
    options: () => optionsOf('visit-report:kbMethod', KB_METHODS),
    words: [
      ['susuk', 'implan'],
      ['implant', 'implan'],
      ['spiral', 'iud'],
      ['IUD', 'iud'],
      ['steril', 'mow'],
      ['tubektomi', 'mow'],
      ['vasektomi', 'mop'],
      ['suntik 3 bulan', 'suntik_3'],
      ['suntik tiga bulan', 'suntik_3'],
      ['suntik 3 bln', 'suntik_3'],
      ['suntik sebulan', 'suntik_1'],
      ['suntik 1 bulan', 'suntik_1'],
      ['pil kb', 'pil'],
      ['pil', 'pil'],
      ['kondom', 'kondom'],
      ['kalender', 'tradisional'],
    ],
  },
  kbIntent: {
    options: () => optionsOf('visit-report:kbIntent', KB_INTENTS),
    words: [
      ['tunda', 'tunda'],
      ['nunda', 'tunda'],
      ['belum pengin', 'tunda'],
      ['belum pengen anak', 'tunda'],
      ['sudah cukup', 'tidak_lagi'],
      ['wis cukup', 'tidak_lagi'],
      ['cukup', 'tidak_lagi'],
      ['segera', 'segera'],
    ],
  },
  risk4t: {
    options: () => optionsOf('visit-report:risk4t', RISK_4T),
    words: [
      ['mboten', 'tidak_ada'],
      ['gak ada', 'tidak_ada'],
      ['ora', 'tidak_ada'],
      ['enjek', 'tidak_ada'],
      ['tidak', 'tidak_ada'],
      ['muda', 'terlalu_muda'],
      ['jarak dekat', 'terlalu_dekat'],
    ],
  },
  risks: {
    options: () =>
      optionsOf('visit-report:risks', [
        'terlalu_muda',
        'terlalu_tua',
        'terlalu_dekat',
        'terlalu_banyak',
        'air_minum',
        'jamban',
        'rumah',
        'tidak_ada',
      ]),
    words: [
      ['mboten', 'tidak_ada'],
      ['gak ada', 'tidak_ada'],
      ['ora', 'tidak_ada'],
      ['wc', 'jamban'],
      ['terlalu muda', 'terlalu_muda'],
    ],
  },
  envRisks: {
    options: () => optionsOf('visit-report:envRisks', ENV_RISKS),
    words: [
      ['mboten', 'tidak_ada'],
      ['wc', 'jamban'],
    ],
  },
  referralStatus: {
    options: () => optionsOf('referral-outcome:status', FOLLOW_UP_STATUSES),
    words: [
      ['sampun', 'sudah_dilayani'],
      ['sudah', 'sudah_dilayani'],
      ['wis', 'sudah_dilayani'],
      ['udah', 'sudah_dilayani'],
      ['durung', 'belum'],
      ['dereng', 'belum'],
      ['blm', 'belum'],
    ],
  },
  izinReason: {
    options: () => optionsOf('excuse:reason', IZIN_REASONS),
    words: [
      ['anak saya demam', 'anak_sakit'],
      ['anak demam', 'anak_sakit'],
      ['anake loro', 'anak_sakit'],
      ['demam', 'sakit'],
      ['saya sakit', 'sakit'],
      ['kondangan', 'keluarga'],
    ],
  },
  approval: {
    options: () => optionsOf('approval:decision', ['approve', 'reject']),
    words: [
      ['ya', 'approve'],
      ['nggih', 'approve'],
      ['inggih', 'approve'],
      ['enggi', 'approve'],
      ['iya', 'approve'],
      ['tidak setuju', 'reject'],
      ['gak', 'reject'],
      ['mboten', 'reject'],
      ['tolak', 'reject'],
    ],
  },
  broadcastSend: {
    options: () => optionsOf('broadcast:send', ['send', 'cancel']),
    words: [
      ['ya', 'send'],
      ['kirim', 'send'],
      ['gak', 'cancel'],
      ['jangan', 'cancel'],
    ],
  },
  historyAction: {
    options: () => optionsOf('history:action', ['withdraw', 'keep']),
    words: [
      ['gak', 'keep'],
      ['ya', 'withdraw'],
      ['tarik', 'withdraw'],
    ],
  },
  confirm: {
    options: () => [
      { id: 'send', label: { key: 'common:confirm.send' } },
      { id: 'edit', label: { key: 'common:confirm.edit' } },
      { id: 'cancel', label: { key: 'common:confirm.cancel' } },
    ],
    words: [
      ['sudah', 'send'],
      ['sampun', 'send'],
      ['ya', 'send'],
      ['tidak', 'edit'],
      ['salah', 'edit'],
    ],
  },
  draft: {
    options: () => [
      { id: 'continue', label: { key: 'common:draft.continue' } },
      { id: 'new', label: { key: 'common:draft.new' } },
    ],
    words: [
      ['iya', 'continue'],
      ['nggih', 'continue'],
      ['mulai lagi', 'new'],
    ],
  },
}

describe('lexicon: the word a cadre types picks the option', () => {
  for (const [list, { options, words }] of Object.entries(TABLE)) {
    test.each(words)(`${list}: %j → %s`, (word, id) => {
      expect(pick(word, options())).toBe(id)
    })
  }
})

describe('lexicon: lists of several', () => {
  test.each([
    ['pus, bumil', ['pus', 'bumil']],
    ['bumil dan balita', ['bumil', 'balita']],
    ['catin', ['catin']],
  ])('sasaran %j → %j', (text, ids) => {
    const options = optionsOf('visit-report:sasaran', SASARAN)
    expect(matchMultiChoice(text, candidatesOf(options, ctx))).toEqual({ kind: 'match', ids })
  })
})

describe('lexicon: yes, no, done and not yet in three languages', () => {
  test.each([
    ...['ya', 'iya', 'iyo', 'yo', 'nggih', 'inggih', 'enggi'].map((w) => [w, 'yes']),
    ...['sampun', 'sudah', 'udah', 'dah', 'wis', 'uwis'].map((w) => [w, 'done']),
    ...['tidak', 'tdk', 'gak', 'ga', 'nggak', 'enggak', 'ndak', 'mboten', 'ora', 'enjek'].map(
      (w) => [w, 'no']
    ),
    ...['belum', 'blm', 'durung', 'dereng'].map((w) => [w, 'notYet']),
  ])('%j means %s', (word, meaning) => {
    expect(parseMeaning(word)).toBe(meaning)
  })

  test('every option the lexicon names has its label in the locale files', () => {
    for (const key of Object.keys(lexicon.options)) {
      expect(() => ctx.label({ key }), key).not.toThrow()
    }
  })
})
