/**
 * Keeps the Dockerfile true to the repository without a Docker engine (none runs here): every COPY
 * source exists and survives .dockerignore, the command starts the same entry as `npm start`, the
 * runtime dependencies are production ones, and the image is Node 22, unprivileged and health-checked.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../src/config.js'

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url))

type Instruction = { keyword: string; args: string }

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = []
  let current = ''
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim()
    if (current === '' && (line === '' || line.startsWith('#'))) continue
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `
      continue
    }
    logical.push(current + line)
    current = ''
  }
  if (current !== '') logical.push(current)
  return logical.map((line) => {
    const match = /^(\S+)\s*(.*)$/.exec(line)
    return { keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '' }
  })
}

/** The words of an instruction: its JSON (exec) form, or whitespace-separated shell form. */
function words(args: string): string[] {
  const trimmed = args.trim()
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[]
  return trimmed.split(/\s+/).filter(Boolean)
}

const instructions = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'))
const all = (keyword: string): Instruction[] =>
  instructions.filter((instruction) => instruction.keyword === keyword)
const only = (keyword: string): Instruction => {
  const found = all(keyword)
  expect(found, `exactly one ${keyword}`).toHaveLength(1)
  return found[0] as Instruction
}

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
  dependencies: Record<string, string>
}

/** Top-level names .dockerignore excludes (negated lines left out), for the COPY check. */
const dockerIgnored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
  .map((line) => line.replace(/^\/+|\/+$/g, ''))

/** The COPY sources from the build context (not from other stages). */
const copySources = all('COPY').flatMap(({ args }) => {
  const parts = words(args).filter((word) => !word.startsWith('--'))
  if (words(args).some((word) => word.startsWith('--from'))) return []
  return parts.slice(0, -1)
})

/** The script a CMD runs: `npm start` → the start script's entry; `node … file.ts` → file.ts. */
function entryOf(command: string[]): string | undefined {
  return command.find((word) => /\.(ts|js|mjs)$/.test(word))
}

describe('Dockerfile', () => {
  test('builds on Node 22 (bookworm-slim)', () => {
    const [image] = words(only('FROM').args)
    expect(image).toMatch(/^node:22(\b|-)/)
    expect(image).toBe('node:22-bookworm-slim')
  })

  test('copies only paths that exist and that .dockerignore lets through', () => {
    expect(copySources).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'locales', 'migrations'])
    )
    for (const source of copySources) {
      expect(existsSync(join(REPO_ROOT, source)), `${source} exists`).toBe(true)
      const topLevel = source.replace(/^\.\//, '').split('/')[0]
      expect(dockerIgnored, `${source} is not in .dockerignore`).not.toContain(topLevel)
    }
  })

  test('installs production dependencies only, and tsx is one of them', () => {
    const runs = all('RUN').map(({ args }) => args)
    expect(runs.some((run) => /\bnpm ci\b.*--omit=dev/.test(run))).toBe(true)
    expect(packageJson.dependencies).toHaveProperty('tsx')
    expect(packageJson.dependencies).toHaveProperty('pino')
  })

  test('starts the same entry as npm start, and that entry exists', () => {
    const command = words(only('CMD').args)
    const startEntry = entryOf(words(packageJson.scripts['start'] ?? ''))
    expect(startEntry).toBe('src/main.ts')
    const entry =
      command.join(' ') === 'npm start' || command.join(' ') === 'npm run start'
        ? startEntry
        : entryOf(command)
    expect(entry).toBe(startEntry)
    expect(existsSync(join(REPO_ROOT, entry ?? ''))).toBe(true)
    if (command[0] === 'node') expect(command.slice(1, 3)).toEqual(['--import', 'tsx'])
  })

  test('keeps data in a volume owned by the unprivileged node user', () => {
    const env = all('ENV')
      .map(({ args }) => args)
      .join(' ')
    expect(env).toMatch(/\bNODE_ENV=production\b/)
    expect(env).toMatch(/\bDATA_DIR=\/data\b/)
    expect(words(only('VOLUME').args)).toEqual(['/data'])
    expect(all('RUN').some(({ args }) => /chown\s+(-R\s+)?node(:node)?\s+\/data/.test(args))).toBe(
      true
    )
    expect(only('USER').args).toBe('node')
    const userIndex = instructions.findIndex(({ keyword }) => keyword === 'USER')
    const cmdIndex = instructions.findIndex(({ keyword }) => keyword === 'CMD')
    expect(userIndex).toBeLessThan(cmdIndex)
  })

  test('exposes the default PORT and checks /healthz on it', () => {
    const port = String(loadConfig({}).port)
    expect(words(only('EXPOSE').args)).toEqual([port])
    const healthcheck = only('HEALTHCHECK').args
    expect(healthcheck).toContain('/healthz')
    expect(healthcheck).toContain('127.0.0.1')
    expect(healthcheck).toMatch(/\bfetch\(/)
  })
})
