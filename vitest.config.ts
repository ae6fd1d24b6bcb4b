import { configDefaults, defineConfig } from 'vitest/config'
import type { TestProjectInlineConfiguration } from 'vitest/config'
import { classifyTestFiles, filesMockingModules, type TestKind } from './test/harness/projects.js'

/**
 * The suite as five vitest projects (`npm test` runs them all, `vitest --project <name>` one):
 * - `unit`: no database, no network beyond fakes in the same process; seconds (`npm run test:unit`);
 * - `database`: on embedded PGlite, or on PostgreSQL with `TEST_DATABASE_URL`;
 * - `e2e`: drives a browser or starts processes (`npm start`, the CLIs, a second bot);
 * - `isolated`: the files that replace modules (`vi.mock`), whatever they reach, each in a fresh
 *   worker;
 * - `reliability`: kill -9 mid-load, a database outage, fuzz, abuse, privacy, retention. With one
 *   worker, as its tests start processes and drive load; in `npm test` it runs after the others.
 *   CI runs it in a vitest invocation of its own beside the other database's tests (`.ci/run`).
 * Files are sorted into the first three by what they import (`test/harness/projects.ts`).
 *
 * The first three run without isolation: a worker runs file after file in one module graph, so
 * each file does not pay again for loading the application's modules, and a PGlite database a
 * file leaves behind, reset, serves the next (`test/harness/pglite-pool.ts`). A file that leaves
 * global state changed behind it would break that; module replacements are the one kind that
 * cannot be undone, hence the `isolated` project.
 */
const RELIABILITY = 'test/reliability/**/*.test.ts'
const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts']
/** What the projects that use databases share: the run's database, and drops settled per file. */
const DATABASE_SETUP = {
  globalSetup: ['./test/harness/global-setup.ts'],
  setupFiles: ['./test/harness/settle-databases.ts'],
}

const kinds = classifyTestFiles(import.meta.dirname, ['src', 'test'])
const isolated = [...filesMockingModules(import.meta.dirname, kinds.keys())].filter(
  (file) => !file.startsWith('test/reliability/')
)
const filesOf = (kind: TestKind) =>
  [...kinds]
    .filter(
      ([file, found]) =>
        found === kind && !file.startsWith('test/reliability/') && !isolated.includes(file)
    )
    .map(([file]) => file)

const shared = { testTimeout: 30_000, hookTimeout: 60_000 }

const projects: TestProjectInlineConfiguration[] = [
  { test: { ...shared, name: 'unit', include: filesOf('unit'), isolate: false } },
  {
    test: {
      ...shared,
      name: 'database',
      // Everything that is not another project's, so a new file is never left out.
      include: ALL,
      exclude: [
        ...configDefaults.exclude,
        RELIABILITY,
        ...filesOf('unit'),
        ...filesOf('e2e'),
        ...isolated,
      ],
      ...DATABASE_SETUP,
      isolate: false,
    },
  },
  { test: { ...shared, name: 'e2e', include: filesOf('e2e'), ...DATABASE_SETUP, isolate: false } },
  { test: { ...shared, name: 'isolated', include: isolated, ...DATABASE_SETUP } },
  {
    test: {
      ...shared,
      name: 'reliability',
      include: [RELIABILITY],
      ...DATABASE_SETUP,
      sequence: { groupOrder: 1 },
      maxWorkers: 1,
    },
  },
]

// Default export: vitest's config loader requires it (the one exception to named exports).
export default defineConfig({
  test: {
    projects,
    coverage: {
      provider: 'v8',
      include: ['src/**'],
    },
  },
})
