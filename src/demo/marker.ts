/**
 * The demo marker: the row `demo_seed` of `admin_settings` that `npm run seed:demo` writes, with
 * the seed, the month and the range of demo person ids. Kept apart from the demo writer so the
 * dashboard can show its banner without loading the demo's generator.
 * @module
 */
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import { adminSettings } from '../db/schema/index.js'

/** The `admin_settings` key of the demo marker. */
export const DEMO_MARKER_KEY = 'demo_seed'

/** What the marker records. */
export const demoMarkerSchema = z.object({
  version: z.literal(1),
  seed: z.number().int(),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  createdAt: z.string(),
  firstPersonId: z.number().int(),
  lastPersonId: z.number().int(),
  people: z.number().int(),
})
export type DemoMarker = z.infer<typeof demoMarkerSchema>

/** Reads the demo marker, if any (a malformed one counts as none). */
export async function findDemoMarker(db: DbOrTx): Promise<DemoMarker | undefined> {
  const rows = await db
    .select({ value: adminSettings.value })
    .from(adminSettings)
    .where(eq(adminSettings.key, DEMO_MARKER_KEY))
  if (!rows[0]) return undefined
  try {
    const parsed = demoMarkerSchema.safeParse(JSON.parse(rows[0].value))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
