/**
 * "Daftar": a number the bot does not know registers as an IMP cadre (docs/domain.md, decision 4):
 * name, Ibu or Bapak (asked once, docs/domain.md, decision 19), kecamatan then desa from the real
 * Kemendagri lists (by number or typed name, typo-tolerant), and the tier. The request goes to
 * every supervisor whose scope covers the desa. Someone rejected may register again.
 * @module
 */
import { z } from 'zod'
import { askChoice, askText, defineFlow } from '../engine/index.js'
import type { ChoiceOption, Completion } from '../engine/index.js'
import type { RegistrationRequested } from '../domain/effects.js'
import type { RegionEntry } from '../domain/snapshot.js'
import { SALUTATIONS } from '../domain/people.js'

const asOptions = (entries: RegionEntry[] | undefined): ChoiceOption[] =>
  (entries ?? []).map((r) => ({
    id: r.code,
    label: { key: 'common:raw', params: { value: r.name } },
  }))

export const registration = defineFlow({
  id: 'registration',
  version: 1,
  commands: ['daftar'],
  allowed: (ctx) => ctx.snapshot.person === null || ctx.snapshot.person.status === 'rejected',
  steps: [
    askText('name', { schema: z.string().min(3).max(80) }),
    askChoice('salutation', { options: SALUTATIONS }),
    askChoice('kecamatan', {
      options: (_answers, ctx) => asOptions(ctx.snapshot.kecamatan),
      // From here on the answer just given says Ibu or Bapak.
      promptParams: (answers) => ({
        sapaan: { key: `common:address.${String(answers.salutation)}` },
      }),
    }),
    askChoice('desa', {
      dependsOn: ['kecamatan'],
      options: (answers, ctx) =>
        asOptions(ctx.snapshot.desaByKecamatan[String(answers.kecamatan ?? '')]),
    }),
    askChoice('tier', { options: ['ppkbd', 'sub_ppkbd'] }),
  ],
  complete: (answers): Completion<RegistrationRequested> => ({
    effects: [
      {
        type: 'registration_requested',
        name: answers.name,
        salutation: answers.salutation === 'bapak' ? 'bapak' : 'ibu',
        desaCode: answers.desa,
        cadreTier: answers.tier === 'sub_ppkbd' ? 'sub_ppkbd' : 'ppkbd',
      },
    ],
    // The applier says whether a supervisor has the request now or gets it later.
    reply: { texts: [] },
  }),
})
