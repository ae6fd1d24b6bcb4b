/**
 * @module Sorts the test files into the vitest projects of `vitest.config.ts` by what they import,
 * so a new test lands in the right project without a list to keep up to date. A file is
 * end-to-end when anything it imports (through relative imports, transitively) drives a browser or
 * starts a process; a database test when it reaches the database client or the test databases;
 * otherwise a unit test, which runs in a fraction of a second with no setup. Reading is by pattern,
 * not by a parser: an import that only looks like one makes a file slower to run, never wrong.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/** The project a test file belongs to (the reliability suite is matched by folder instead). */
export type TestKind = 'unit' | 'database' | 'e2e'

/** Packages whose import makes a file end-to-end: a browser, or processes of its own. */
const E2E_PACKAGES = new Set(['playwright-core', 'node:child_process', 'child_process'])

/** Packages and repository files whose import makes a file a database test. */
const DATABASE_PACKAGES = new Set(['@electric-sql/pglite', 'postgres'])
const DATABASE_FILES = ['src/db/client.ts', 'test/harness/db.ts']

/** `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`, not `import type`. */
const IMPORT =
  /(?:^|[;\s])(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/g

/** The kind of every test file under `dirs` of `root`, by path relative to `root`, sorted. */
export function classifyTestFiles(root: string, dirs: string[]): Map<string, TestKind> {
  const databaseFiles = new Set(DATABASE_FILES.map((file) => resolve(root, file)))
  const imports = new Map<string, string[]>()
  const kindOf = (testFile: string): TestKind => {
    let kind: TestKind = 'unit'
    const seen = new Set([testFile])
    const queue = [testFile]
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (databaseFiles.has(file)) kind = 'database'
      let specifiers = imports.get(file)
      if (!specifiers) imports.set(file, (specifiers = importsOf(file)))
      for (const specifier of specifiers) {
        if (E2E_PACKAGES.has(specifier)) return 'e2e'
        if (DATABASE_PACKAGES.has(specifier)) kind = 'database'
        const next = specifier.startsWith('.') ? resolveSource(dirname(file), specifier) : undefined
        if (next !== undefined && !seen.has(next)) {
          seen.add(next)
          queue.push(next)
        }
      }
    }
    return kind
  }
  const files = dirs.flatMap((dir) => testFilesUnder(resolve(root, dir)))
  return new Map(
    files
      .map((file) => [relative(root, file), kindOf(file)] as const)
      .sort(([a], [b]) => a.localeCompare(b))
  )
}

/** `vi.mock(` or `vi.doMock(`: the file replaces modules that other files import as they are. */
const MOCKS_MODULES = /\bvi\.(?:mock|doMock)\(/

/**
 * The test files (relative to `root`) that replace modules with `vi.mock`: in a worker that runs
 * file after file without isolation, the replaced module would be the one already loaded, and the
 * replacement would reach the next files. They run in a project of their own, isolated.
 */
export function filesMockingModules(root: string, files: Iterable<string>): Set<string> {
  return new Set(
    [...files].filter((file) => MOCKS_MODULES.test(readFileSync(resolve(root, file), 'utf8')))
  )
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(IMPORT)].map((match) => (match[1] ?? match[2])!)
}

/** The TypeScript source a relative `.js` specifier names, if it is one of the repository's. */
function resolveSource(from: string, specifier: string): string | undefined {
  const path = resolve(from, specifier)
  const candidates = [path.replace(/\.js$/, '.ts'), path, `${path}.ts`, join(path, 'index.ts')]
  return candidates.find((candidate) => candidate.endsWith('.ts') && existsSync(candidate))
}

function testFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.includes('/node_modules/'))
}
