/**
 * One dates module: the programme's zone is the `TZ_NAME` setting, and its default is named once,
 * in `src/domain/dates.ts` (`DEFAULT_TIME_ZONE`). A zone written out elsewhere in the source is a
 * date that ignores the setting, as the training queries and imports once did.
 */
import { readFile, readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DATES_MODULE = 'src/domain/dates.ts'
/** The default zone as a string literal (comments may name it: their lines are skipped). */
const ZONE_LITERAL = /(['"])Asia\/Jakarta\1/

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const files = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return sourceFiles(path)
      return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : []
    })
  )
  return files.flat()
}

describe('the time zone', () => {
  test('the default zone is written only in the dates module', async () => {
    const files = await sourceFiles(join(ROOT, 'src'))
    const offenders: string[] = []
    for (const file of files) {
      const path = relative(ROOT, file)
      if (path === DATES_MODULE) continue
      const lines = (await readFile(file, 'utf8')).split('\n')
      lines.forEach((line, index) => {
        const comment = /^\s*(\*|\/\*|\/\/)/.test(line)
        if (!comment && ZONE_LITERAL.test(line))
          offenders.push(`${path}:${index + 1}: ${line.trim()}`)
      })
    }
    expect(files.length).toBeGreaterThan(100)
    expect(offenders).toEqual([])
  })

  test('the dates module names it', async () => {
    const dates = await readFile(join(ROOT, DATES_MODULE), 'utf8')
    expect(dates).toMatch(ZONE_LITERAL)
  })
})
