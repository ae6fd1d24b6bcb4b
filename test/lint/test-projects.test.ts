/**
 * The vitest projects (`vitest.config.ts`) sort test files by what they import: a file that only
 * reaches the database or a child process through another module is still sorted by it.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { classifyTestFiles } from '../harness/projects.js'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const kinds = classifyTestFiles(REPO_ROOT, ['src', 'test'])

describe('test projects', () => {
  test.each([
    ['src/lib/phone.test.ts', 'unit'],
    ['test/dockerfile.test.ts', 'unit'],
    ['test/lint/test-projects.test.ts', 'unit'],
    // Through test/harness/db.ts.
    ['test/db/raw.test.ts', 'database'],
    // Through test/harness/start.ts and src/kaderbot.ts.
    ['test/telegram/start.test.ts', 'database'],
    // playwright-core, through test/browser/harness.ts.
    ['test/browser/dashboard.test.ts', 'e2e'],
    // node:child_process: `npm start` as a newcomer runs it.
    ['test/e2e/start.test.ts', 'e2e'],
  ])('%s is a %s test', (file, kind) => {
    expect(kinds.get(file)).toBe(kind)
  })
})
