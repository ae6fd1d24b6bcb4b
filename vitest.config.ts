import { configDefaults, defineConfig } from 'vitest/config'

/**
 * `npm test` runs everything but the reliability suite; `npm run test:reliability` (kill -9 mid-load, a database outage, fuzz, abuse, privacy, retention) runs only that suite, as
 * its tests start processes and drive load that would disturb the rest running in parallel.
 */
const reliability = process.env.KADERBOT_SUITE === 'reliability'
const RELIABILITY = 'test/reliability/**/*.test.ts'

// Default export: vitest's config loader requires it (the one exception to named exports).
export default defineConfig({
  test: {
    globalSetup: ['./test/harness/global-setup.ts'],
    include: reliability ? [RELIABILITY] : ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: reliability ? configDefaults.exclude : [...configDefaults.exclude, RELIABILITY],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**'],
    },
  },
})
