/**
 * The vitest projects (`vitest.config.ts`) sort test files by what they import: a file that only
 * reaches the database or a child process through another module is still sorted by it; a file
 * that replaces a module (`vi.mock`) is found, to run isolated.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { classifyTestFiles, filesMockingModules } from '../harness/projects.js'

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

  test('a file that replaces a module is found, to run isolated; one that only mentions it is not', () => {
    const mocking = filesMockingModules(REPO_ROOT, kinds.keys())
    expect(mocking.has('test/conversation/engine-runs.test.ts')).toBe(true)
    expect(mocking.has('test/lint/test-projects.test.ts')).toBe(false)
  })
})
