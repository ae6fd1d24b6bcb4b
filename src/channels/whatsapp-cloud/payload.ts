/**
 * The webhook payload of the WhatsApp Cloud API (`field: "messages"`), parsed with zod at the
 * boundary: `entry[].changes[].value` carries `messages` (what people wrote) and `statuses` (what
 * became of what the bot sent). Only the fields the bot reads are named; the rest pass through, so
 * a new field Meta adds never refuses a delivery.
 * @module
 */
import { z } from 'zod'

const textSchema = z.object({ body: z.string() })

const replySchema = z.object({ id: z.string(), title: z.string().optional() }).passthrough()

const interactiveSchema = z
  .object({
    type: z.string(),
    button_reply: replySchema.optional(),
    list_reply: replySchema.optional(),
  })
  .passthrough()

const locationSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
})

const mediaSchema = z
  .object({ id: z.string(), mime_type: z.string().optional(), caption: z.string().optional() })
  .passthrough()

const sharedContactSchema = z
  .object({
    phones: z
      .array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() }).passthrough())
      .optional(),
  })
  .passthrough()

export const cloudMessageSchema = z
  .object({
    from: z.string().min(1),
    id: z.string().min(1),
    timestamp: z.string().optional(),
    type: z.string(),
    text: textSchema.optional(),
    interactive: interactiveSchema.optional(),
    /** A quick-reply button of a template message. */
    button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
    location: locationSchema.optional(),
    image: mediaSchema.optional(),
    contacts: z.array(sharedContactSchema).optional(),
  })
  .passthrough()

export type CloudMessage = z.infer<typeof cloudMessageSchema>

export const cloudStatusSchema = z
  .object({
    id: z.string().min(1),
    status: z.string(),
    timestamp: z.string().optional(),
    recipient_id: z.string().optional(),
    errors: z
      .array(
        z
          .object({
            code: z.number().int(),
            title: z.string().optional(),
            error_data: z.object({ details: z.string().optional() }).passthrough().optional(),
          })
          .passthrough()
      )
      .optional(),
  })
  .passthrough()

export type CloudStatus = z.infer<typeof cloudStatusSchema>

export const cloudWebhookSchema = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string().optional(),
      changes: z.array(
        z.object({
          field: z.string(),
          value: z
            .object({
              messaging_product: z.string().optional(),
              metadata: z
                .object({
                  phone_number_id: z.string(),
                  display_phone_number: z.string().optional(),
                })
                .passthrough()
                .optional(),
              contacts: z.array(z.object({ wa_id: z.string() }).passthrough()).optional(),
              messages: z.array(cloudMessageSchema).optional(),
              statuses: z.array(cloudStatusSchema).optional(),
            })
            .passthrough(),
        })
      ),
    })
  ),
})

export type CloudWebhook = z.infer<typeof cloudWebhookSchema>
