/**
 * Which approved template message carries a message that must go out after the 24-hour
 * customer-service window closed (docs/design.md P6). Configured as data: each kind of message
 * the outbox holds (by its priority: reminders and nudges, broadcasts) maps to a template name,
 * its language, and where each body parameter comes from. Replies have no template: a reply is
 * only ever sent inside the window. A template is created and approved in the Meta dashboard
 * under exactly this name and language before it is used
 * (docs/operations/channels.md#connect-whatsapp-the-official-cloud-api).
 * @module
 */
import { z } from 'zod'
import { PRIORITY } from '../../domain/priorities.js'
import type { OutboundChoice } from '../../domain/messages.js'
import { escapeWhatsApp } from '../whatsapp/render.js'

/** Meta's limit on a template's quick-reply buttons. */
const MAX_QUICK_REPLIES = 10

/** The message kinds that may need a template; a reply (priority live) never does. */
export const templateKinds = ['reminder', 'broadcast'] as const
export type TemplateKind = (typeof templateKinds)[number]

const templateSchema = z.object({
  /** The template's name as approved in WhatsApp Manager (lowercase, digits, underscores). */
  name: z.string().regex(/^[a-z0-9_]{1,512}$/),
  /** The template's language code; the bot writes Bahasa Indonesia (`id`). */
  language: z.string().min(2).default('id'),
  /**
   * The body's `{{1}}`, `{{2}}`… in order. `text`: the message's own text on one line (Meta refuses
   * line breaks in a parameter).
   */
  parameters: z.array(z.enum(['text'])).default(['text']),
  /**
   * How many quick-reply buttons the approved template has (none by default). A message whose
   * choices are exactly that many goes with one button per choice, its payload the choice id, so
   * a tap comes back as that choice; the buttons' titles are the template's own (fixed when it is
   * approved, e.g. "Buka").
   */
  quickReplies: z.number().int().min(0).max(MAX_QUICK_REPLIES).optional(),
})

/** A kind's template, or several (a text-only one and ones with quick-reply buttons). */
const templateEntrySchema = z.union([templateSchema, z.array(templateSchema).min(1)])

export const templateTableSchema = z
  .object({ reminder: templateEntrySchema.optional(), broadcast: templateEntrySchema.optional() })
  .strict()

export type CloudTemplate = z.infer<typeof templateSchema>
export type TemplateTable = z.infer<typeof templateTableSchema>

/**
 * The default table. Both templates have a body of the form "… {{1}} …" (utility category), e.g.
 * `kaderbot_pengingat`: "Pengingat dari kaderbot: {{1}} Balas pesan ini untuk melanjutkan."
 */
export const DEFAULT_TEMPLATES: TemplateTable = templateTableSchema.parse({
  reminder: { name: 'kaderbot_pengingat', language: 'id', parameters: ['text'] },
  broadcast: { name: 'kaderbot_pengumuman', language: 'id', parameters: ['text'] },
})

/** The template kind of an outbox priority; `undefined` for replies. */
export function templateKindOf(priority: number): TemplateKind | undefined {
  if (priority === PRIORITY.live) return undefined
  return priority >= PRIORITY.bulk ? 'broadcast' : 'reminder'
}

/** Meta's limit on a body parameter, and on the template body as a whole. */
const MAX_PARAMETER_CHARS = 1000

/** A text as a template parameter: one line, no runs of spaces, within Meta's length. */
export function asParameter(text: string): string {
  // User values are escaped like every other WhatsApp text (`*rapat*` stays as typed).
  const line = escapeWhatsApp(text)
    .replace(/\s*\n+\s*/g, ' · ')
    .replace(/\t/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
  const chars = [...line]
  return chars.length <= MAX_PARAMETER_CHARS
    ? line || '-'
    : `${chars.slice(0, MAX_PARAMETER_CHARS - 1).join('')}…`
}

/**
 * The template of a kind for a message with `choices`: the one with exactly as many quick-reply
 * buttons, else the text-only one (the choices are then lost: templates carry only text), else
 * none.
 */
export function pickTemplate(
  entry: TemplateTable[TemplateKind],
  choices: readonly OutboundChoice[] = []
): CloudTemplate | undefined {
  const templates = entry === undefined ? [] : Array.isArray(entry) ? entry : [entry]
  const buttons = (t: CloudTemplate) => t.quickReplies ?? 0
  return (
    (choices.length > 0 ? templates.find((t) => buttons(t) === choices.length) : undefined) ??
    templates.find((t) => buttons(t) === 0)
  )
}

/**
 * The `template` object of a send for `text`: the body's parameters, and when the template has
 * quick-reply buttons one `button` component per choice (in order) whose payload is the choice id.
 */
export function templateBody(
  template: CloudTemplate,
  text: string,
  choices: readonly OutboundChoice[] = []
) {
  const quickReplies = template.quickReplies ?? 0
  return {
    name: template.name,
    language: { code: template.language },
    components: [
      {
        type: 'body',
        parameters: template.parameters.map(() => ({ type: 'text', text: asParameter(text) })),
      },
      ...choices.slice(0, quickReplies).map((choice, index) => ({
        type: 'button',
        sub_type: 'quick_reply',
        index: String(index),
        parameters: [{ type: 'payload', payload: choice.id }],
      })),
    ],
  }
}
