/**
 * Opaque list cursors: the keyset position of a page (the last row's id) tied to the list it came
 * from, as base64url JSON. Clients pass `next` back as `cursor` and never read it.
 * @module
 */
import { z } from 'zod'

const payloadSchema = z.object({ l: z.string(), a: z.number().int().nonnegative() })

/** The cursor that continues `list` after the row with id `afterId`. */
export function encodeCursor(list: string, afterId: number): string {
  return Buffer.from(JSON.stringify({ l: list, a: afterId })).toString('base64url')
}

/** The id a cursor continues after, or `undefined` when it is not a cursor of `list`. */
export function decodeCursor(list: string, cursor: string): number | undefined {
  try {
    const json: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const payload = payloadSchema.safeParse(json)
    return payload.success && payload.data.l === list ? payload.data.a : undefined
  } catch {
    return undefined
  }
}

/** A `cursor` query parameter of `list`, decoded to the id to continue after. */
export function cursorSchema(list: string) {
  return z
    .string()
    .max(200)
    .transform((cursor, ctx) => {
      const afterId = decodeCursor(list, cursor)
      if (afterId === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `not a cursor of this list: pass the "next" value of a previous ${list} page`,
        })
        return z.NEVER
      }
      return afterId
    })
    .describe('The `next` value of the previous page (opaque).')
}
