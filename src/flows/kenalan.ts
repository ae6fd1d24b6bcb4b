/**
 * "Kenalan": a short demo flow for trying the bot before the real programmes are set up, offered
 * only in the simulator and on a database holding the demo data. It uses most step kinds (text,
 * choice, number, date, multi-choice, yes/no, date-time) and a summary.
 * @module
 */
import { z } from 'zod'
import {
  askChoice,
  askDate,
  askDateTime,
  askLocation,
  askMultiChoice,
  askNumber,
  askPhoto,
  askText,
  askYesNo,
  defineFlow,
  today,
} from '../engine/index.js'

export const kenalan = defineFlow({
  id: 'kenalan',
  version: 1,
  commands: ['kenalan', 'coba'],
  // A demo, not a programme: offered in the simulator and on a demo database only.
  allowed: (ctx) => ctx.snapshot.tryout === true,
  steps: [
    askText('name', { schema: z.string().min(2).max(60) }),
    askChoice('role', { options: ['kader', 'peserta', 'petugas', 'lainnya'] }),
    askNumber('children', { schema: z.number().int().min(0).max(20) }),
    askDate('lastPosyandu', {
      prefer: 'past',
      optional: true,
      validate: (value, { ctx }) =>
        value > today(ctx) ? { key: 'kenalan:askLastPosyandu_future' } : undefined,
    }),
    askMultiChoice('topics', { options: ['kb', 'gizi', 'menjahit', 'usaha'] }),
    askPhoto('photo', { optional: true }),
    askLocation('place', { optional: true }),
    askYesNo('wantsReminder'),
    askDateTime('reminderAt', {
      when: (answers) => answers.wantsReminder === true,
      dependsOn: ['wantsReminder'],
      validate: (value, { ctx }) =>
        Date.parse(value) <= ctx.now.getTime() ? { key: 'kenalan:askReminderAt_past' } : undefined,
    }),
  ],
  complete: (answers) => ({
    effects: [{ type: 'demo_completed', flowVersion: 1, answers }],
    reply: { texts: [{ key: 'kenalan:thanks', params: { name: answers.name } }] },
  }),
})
