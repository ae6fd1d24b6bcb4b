// @ts-check
/**
 * ESLint flat config. Besides the usual recommended rules it enforces the dependency directions of
 * docs/architecture.md#dependency-rules with the core `no-restricted-imports` rule, one block per folder, and keeps the pure
 * core (engine, flows, domain) free of clocks, randomness and I/O. `test/lint/dependency-rules.test.ts`
 * proves every zone.
 *
 * Flat config replaces a rule's options when a later block sets the same rule, so every zone's
 * pattern list repeats the rules that hold everywhere (`restrictedImports` adds them).
 */
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import prettier from 'eslint-config-prettier/flat'
import tseslint from 'typescript-eslint'

/** Import patterns for one folder of src/, at any relative depth (`../db/client.js`). */
const folder = (/** @type {string} */ name) => `**/${name}/**`

/** Nothing imports the composition root (docs/architecture.md#dependency-rules). */
const NEVER_IMPORTED = {
  group: ['**/main.js', '**/main.ts'],
  message:
    'main.ts is the composition root: nothing imports it (docs/architecture.md#dependency-rules).',
}

/**
 * Builds `no-restricted-imports` options: folders and files a zone must not import, plus, for the
 * pure zones, the only packages it may import (everything else, `node:*` included, is refused).
 * @param {{ zone: string, forbid: string[], allowPackages?: string[] }} options
 */
function restrictedImports({ zone, forbid, allowPackages }) {
  /** @type {Array<{ group?: string[], regex?: string, caseSensitive?: boolean, message: string }>} */
  const patterns = [NEVER_IMPORTED]
  if (forbid.length > 0) {
    patterns.push({
      group: forbid,
      message: `${zone} must not import this module (dependency directions, docs/architecture.md#dependency-rules).`,
    })
  }
  if (allowPackages !== undefined) {
    const allowed = allowPackages.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    patterns.push({
      // Any bare specifier (not ./ or ../) that is not one of the allowed packages or their subpaths.
      regex: `^(?!\\.{1,2}/)(?!(?:${allowed.join('|')})(?:/|$))`,
      caseSensitive: true,
      message: `${zone} is pure: it may import only ${allowPackages.join(', ')} among packages (docs/architecture.md#dependency-rules).`,
    })
  }
  return ['error', { patterns }]
}

/** Folders below src/ that do I/O or wire things together. */
const IMPURE_FOLDERS = ['db', 'channels', 'conversation', 'http', 'outbox', 'scheduler'].map(folder)

/** Modules no pure code may import: the environment, the logger, texts. */
/** The platform adapters; `channels/types.ts` (delivery results, pacing) stays importable. */
const CONCRETE_CHANNELS = ['telegram', 'whatsapp', 'whatsapp-cloud', 'simulator'].map(
  (name) => `**/channels/${name}/**`
)
const IMPURE_FILES = ['**/config.js', '**/lib/logger.js', folder('i18n')]

const PURE_PACKAGES = ['zod', 'date-fns', '@date-fns/tz']

/** Clock, randomness and dynamic imports are banned in the pure core (docs/design.md P2). */
const PURE_SYNTAX = [
  'error',
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'No clock in pure code: use the `now` the runtime passes in (FlowContext.now).',
  },
  {
    selector: "CallExpression[callee.name='Date']",
    message: 'No clock in pure code: use the `now` the runtime passes in (FlowContext.now).',
  },
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'No clock in pure code: use the `now` the runtime passes in (FlowContext.now).',
  },
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: 'No randomness in pure code: take ids or seeds as input.',
  },
  {
    selector: 'ImportExpression',
    message: 'No dynamic import in pure code: it would bypass the dependency rules.',
  },
]

/**
 * One zone for a folder: its rules for source files and, with `vitest` added to the allowed
 * packages, for the tests that sit beside them.
 * @param {{ dir: string, zone: string, forbid: string[], allowPackages?: string[], pure?: boolean }} options
 */
function zone({ dir, zone, forbid, allowPackages, pure = false }) {
  const rules = (/** @type {string[] | undefined} */ packages) => ({
    'no-restricted-imports': restrictedImports({ zone, forbid, allowPackages: packages }),
    ...(pure ? { 'no-restricted-syntax': PURE_SYNTAX } : {}),
  })
  return [
    {
      name: `kaderbot/zone/${dir}`,
      files: [`src/${dir}/**/*.{ts,tsx,js}`],
      ignores: ['**/*.test.ts'],
      rules: rules(allowPackages),
    },
    {
      name: `kaderbot/zone/${dir}/tests`,
      files: [`src/${dir}/**/*.test.ts`],
      rules: rules(allowPackages === undefined ? undefined : [...allowPackages, 'vitest']),
    },
  ]
}

export default defineConfig(
  globalIgnores(['node_modules/', 'dist/', 'coverage/', 'data/', 'migrations/', 'bench/results/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'kaderbot/base',
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      'no-restricted-imports': restrictedImports({ zone: 'This file', forbid: [] }),
    },
  },
  {
    name: 'kaderbot/node-scripts',
    files: ['**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    name: 'kaderbot/src',
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-console': 'error',
      // Named exports only (docs/architecture.md#conventions).
      'no-restricted-exports': [
        'error',
        {
          restrictDefaultExports: {
            direct: true,
            named: true,
            defaultFrom: true,
            namedFrom: true,
            namespaceFrom: true,
          },
        },
      ],
    },
  },
  {
    name: 'kaderbot/src/process-env',
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/config.ts', 'src/main.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Take settings from the Config of loadConfig() (src/config.ts), the only reader of process.env.',
        },
      ],
    },
  },
  {
    name: 'kaderbot/console-allowed',
    files: ['src/main.ts', 'src/**/*-cli.ts'],
    rules: { 'no-console': 'off' },
  },

  // Dependency directions, docs/architecture.md#dependency-rules.
  zone({
    dir: 'engine',
    zone: 'engine/',
    forbid: [...IMPURE_FOLDERS, folder('flows'), ...IMPURE_FILES],
    allowPackages: [...PURE_PACKAGES, 'fastest-levenshtein'],
    pure: true,
  }),
  zone({
    dir: 'domain',
    zone: 'domain/',
    forbid: [...IMPURE_FOLDERS, folder('engine'), folder('flows'), ...IMPURE_FILES],
    allowPackages: PURE_PACKAGES,
    pure: true,
  }),
  zone({
    dir: 'flows',
    zone: 'flows/',
    forbid: [...IMPURE_FOLDERS, ...IMPURE_FILES],
    allowPackages: PURE_PACKAGES,
    pure: true,
  }),
  zone({
    dir: 'channels',
    zone: 'channels/',
    forbid: ['engine', 'flows', 'db', 'conversation', 'outbox', 'http', 'scheduler'].map(folder),
  }),
  zone({
    dir: 'db',
    zone: 'db/',
    forbid: [
      // The channel-neutral message shapes it stores (ChannelName, OutboundMessage in outbox rows)
      // are in domain/messages.ts; no channel code, not even channels/types.ts.
      ...['engine', 'conversation', 'http', 'flows', 'outbox', 'scheduler', 'channels'].map(folder),
    ],
  }),
  ...['conversation', 'outbox'].map((dir) =>
    zone({
      dir,
      zone: `${dir}/`,
      forbid: [
        folder('http'),
        folder('scheduler'),
        '**/channels/telegram/**',
        '**/channels/whatsapp/**',
        '**/channels/simulator/**',
      ],
    })
  ),
  zone({ dir: 'http', zone: 'http/', forbid: [folder('engine'), folder('flows')] }),
  // Messages to people (rendering texts for one person) that the conversation, broadcasts, the
  // scheduler's jobs, the recap and the dashboard share: below all of them, over db/, domain/ and
  // the engine's text types.
  zone({
    dir: 'messaging',
    zone: 'messaging/',
    forbid: [
      ...['conversation', 'flows', 'http', 'scheduler', 'broadcasts', 'recap', 'certificates'].map(
        folder
      ),
      ...['import', 'export', 'demo', 'outbox', 'channels'].map(folder),
    ],
  }),
  // The services beside the conversation: broadcasts (chat, dashboard and API call them), CSV
  // imports, exports and the demo seed. They use db/, domain/, messaging/ and lib/; none runs a
  // flow or reaches the conversation's runtime, a concrete channel, the HTTP layer or the scheduler.
  zone({
    dir: 'broadcasts',
    zone: 'broadcasts/',
    forbid: [
      ...['engine', 'flows', 'conversation', 'http', 'scheduler', 'outbox'].map(folder),
      ...CONCRETE_CHANNELS,
    ],
  }),
  ...['import', 'export', 'demo'].map((dir) =>
    zone({
      dir,
      zone: `${dir}/`,
      forbid: [
        ...['engine', 'flows', 'conversation', 'outbox', 'http', 'scheduler', 'channels'].map(
          folder
        ),
        ...['broadcasts', 'import', 'export', 'demo'].filter((other) => other !== dir).map(folder),
      ],
    })
  ),
  zone({ dir: 'scheduler', zone: 'scheduler/', forbid: [folder('channels'), folder('http')] }),
  // Documents made from stored data (the monthly recap, training certificates): they read db/ and
  // domain/ and render texts, but neither run a flow, send, serve HTTP nor schedule.
  ...['recap', 'certificates'].map((dir) =>
    zone({
      dir,
      zone: `${dir}/`,
      forbid: [
        ...['flows', 'conversation', 'outbox', 'http', 'scheduler', 'broadcasts', 'import'].map(
          folder
        ),
        folder('demo'),
        ...CONCRETE_CHANNELS,
      ],
    })
  ),
  // The terminal chat client (`npm run chat`) speaks to a running bot over its HTTP API only.
  zone({
    dir: 'chat',
    zone: 'chat/ (a client of the HTTP API)',
    forbid: [
      ...IMPURE_FOLDERS,
      ...['engine', 'flows', 'domain', 'broadcasts', 'import', 'export', 'demo'].map(folder),
      ...['recap', 'certificates'].map(folder),
      '**/config.js',
    ],
  }),
  zone({
    dir: 'i18n',
    zone: 'i18n/',
    forbid: ['db', 'channels', 'conversation', 'outbox', 'http', 'scheduler', 'flows'].map(folder),
  }),
  zone({
    dir: 'lib',
    zone: 'lib/ (generic helpers)',
    forbid: [
      ...IMPURE_FOLDERS,
      ...['engine', 'domain', 'flows', 'i18n'].map(folder),
      '**/config.js',
    ],
  }),

  prettier
)
