/**
 * @module Makes the PGlite template (`pglite-template.ts`) for `npm run build`: a data directory
 * through initdb, the migrations and the region seed, made by the same `createDb` and
 * `seedRegions` as a start-up on a fresh `DATA_DIR`. Kept apart from `pglite-template.ts`, which
 * `client.ts` imports, because it imports `client.ts` itself.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createDb } from './client.js'
import {
  PGLITE_TEMPLATE_DIR,
  TEMPLATE_DATA,
  TEMPLATE_KEY_FILE,
  pgliteTemplateKey,
  readTemplateKey,
} from './pglite-template.js'
import { seedRegions } from './seed-regions.js'

/**
 * Makes the template at `templateDir` unless the one there already has the running code's key:
 * `npm start` builds first, and only a change of migrations, seed or PGlite pays for a new one.
 * It is made beside the target and renamed into place, so a start never copies half a template.
 */
export async function ensurePgliteTemplate(
  templateDir: string = PGLITE_TEMPLATE_DIR
): Promise<'kept' | 'made'> {
  const key = pgliteTemplateKey()
  if (readTemplateKey(templateDir) === key) return 'kept'
  const partial = `${templateDir}.${process.pid}.tmp`
  rmSync(partial, { recursive: true, force: true })
  try {
    const handle = await createDb({ dataDir: partial })
    try {
      await seedRegions(handle.db)
    } finally {
      await handle.close()
    }
    if (!existsSync(join(partial, TEMPLATE_DATA, 'PG_VERSION'))) {
      throw new Error('the template database has no PG_VERSION')
    }
    // Written last: a directory without its key is never used.
    writeFileSync(join(partial, TEMPLATE_KEY_FILE), `${key}\n`)
    rmSync(templateDir, { recursive: true, force: true })
    try {
      renameSync(partial, templateDir)
    } catch (error) {
      // Another build made the same template in the meantime: theirs serves.
      if (readTemplateKey(templateDir) !== key) throw error
    }
    return 'made'
  } finally {
    rmSync(partial, { recursive: true, force: true })
  }
}
