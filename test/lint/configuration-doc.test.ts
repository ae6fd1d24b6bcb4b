/**
 * docs/operations/configuration.md holds the one table of environment variables: it names every
 * variable `src/config.ts` reads, in the same order, and nothing else but the tests' own
 * `TEST_DATABASE_URL`; `.env.example` shows each of them too (grouped its own way).
 */
import { readFile } from 'node:fs/promises'
import { expect, test } from 'vitest'
import { ENV_VARIABLES } from '../../src/config.js'

const ROOT = new URL('../../', import.meta.url)
const TESTS_ONLY = ['TEST_DATABASE_URL']

/** The backticked names in the first column of the Markdown table rows of `markdown`. */
function tableVariables(markdown: string): string[] {
  const names: string[] = []
  for (const line of markdown.split('\n')) {
    const cell = /^\| `([A-Z][A-Z0-9_]*)` +\|/.exec(line)
    if (cell !== null) names.push(cell[1]!)
  }
  return names
}

test('the configuration table names every variable of src/config.ts, in order', async () => {
  const doc = await readFile(new URL('docs/operations/configuration.md', ROOT), 'utf8')
  expect(tableVariables(doc)).toEqual([...ENV_VARIABLES, ...TESTS_ONLY])
})

test('.env.example shows every variable', async () => {
  const example = await readFile(new URL('.env.example', ROOT), 'utf8')
  const shown = [...example.matchAll(/^# ([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1])
  expect(shown.toSorted()).toEqual([...ENV_VARIABLES, ...TESTS_ONLY].toSorted())
})

test('a table row is read only from its first column', () => {
  const markdown = [
    '| variable | meaning | default |',
    '| `PORT` | HTTP port, see `LOG_LEVEL` | `3000` |',
    'text naming `DATA_DIR` outside the table',
  ].join('\n')
  expect(tableVariables(markdown)).toEqual(['PORT'])
})
