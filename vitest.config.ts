import { defineConfig } from 'vitest/config'

// Default export: vitest's config loader requires it (the one exception to named exports).
export default defineConfig({
  test: {
    globalSetup: ['./test/harness/global-setup.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**'],
    },
  },
})
