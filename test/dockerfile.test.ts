/**
 * Keeps the Dockerfile true to the repository without a Docker engine (none runs here): every COPY
 * source exists and survives .dockerignore, the command starts the same built entry as `npm start`, what
 * runs in the image needs production dependencies only, and the image is Node 22, multi-stage,
 * unprivileged and health-checked.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative } from 'node:path'
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
    if (line.startsWith('#') || (current === '' && line === '')) continue
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

type Stage = { image: string; name?: string; instructions: Instruction[] }

/** The build stages, each with the instructions after its FROM. */
function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = words(instruction.args).filter((word) => !word.startsWith('--'))
      stages.push({
        image: image ?? '',
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      })
    } else {
      stages.at(-1)?.instructions.push(instruction)
    }
  }
  return stages
}

const instructions = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'))
const stages = stagesOf(instructions)
const finalStage = stages.at(-1)!
const inFinal = (keyword: string): Instruction[] =>
  finalStage.instructions.filter((instruction) => instruction.keyword === keyword)
const onlyInFinal = (keyword: string): Instruction => {
  const found = inFinal(keyword)
  expect(found, `exactly one ${keyword} in the final stage`).toHaveLength(1)
  return found[0] as Instruction
}

type PackageJson = {
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  bin?: string | Record<string, string>
}
const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson

/** Top-level names .dockerignore excludes (negated lines and glob patterns left out). */
const dockerIgnored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
  .map((line) => line.replace(/^\/+|\/+$/g, ''))

/** The COPY sources of a stage from the build context (not from other stages). */
const contextSources = (stage: Stage): string[] =>
  stage.instructions
    .filter(({ keyword }) => keyword === 'COPY')
    .flatMap(({ args }) => {
      if (words(args).some((word) => word.startsWith('--from'))) return []
      return words(args)
        .filter((word) => !word.startsWith('--'))
        .slice(0, -1)
    })

/** The script a command runs: `npm start` → the start script's entry; `node … file.ts` → file.ts. */
function entryOf(command: string[]): string | undefined {
  return command.find((word) => /\.(ts|js|mjs)$/.test(word))
}

/** Node's options whose value names a module to load before the entry. */
const MODULE_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader'])

/** The packages a script's command needs: its executable's package and every preloaded module. */
function packagesOfScript(script: string): { name: string; why: string }[] {
  const [executable, ...rest] = script.split(/\s+/).filter(Boolean)
  const needed: { name: string; why: string }[] = []
  if (executable && executable !== 'node') {
    needed.push({ name: packageOfBin(executable), why: `the executable ${executable}` })
  }
  rest.forEach((word, i) => {
    const flag = word.split('=')[0]!
    if (!MODULE_FLAGS.has(flag)) return
    const module = word.includes('=') ? word.slice(word.indexOf('=') + 1) : rest[i + 1]
    if (module && !module.startsWith('.')) {
      needed.push({ name: packageName(module), why: `${flag} ${module}` })
    }
  })
  return needed
}

/** The installed package whose `bin` provides an executable (`tsx` → tsx). */
function packageOfBin(bin: string): string {
  const installed = [
    ...Object.keys(packageJson.dependencies),
    ...Object.keys(packageJson.devDependencies),
  ]
  for (const name of installed) {
    const manifest = JSON.parse(
      readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')
    ) as PackageJson
    const bins = typeof manifest.bin === 'string' ? { [name]: manifest.bin } : (manifest.bin ?? {})
    if (bin in bins) return name
  }
  return `<no package provides ${bin}>`
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

/** The app's source files that end up in the image and run (tests and type declarations left out). */
function runtimeSources(dir = join(REPO_ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return runtimeSources(path)
    return /\.(ts|js)$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [path] : []
  })
}

/** The bare module specifiers a source file imports at run time (`import type` left out). */
function runtimeImports(source: string): string[] {
  const pattern =
    /(?:^|\n)\s*(?:import|export)(\s+type)?\b[^'"`]*?\bfrom\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g
  return [...source.matchAll(pattern)]
    .filter((match) => match[1] === undefined)
    .map((match) => match[2] ?? match[3] ?? match[4] ?? '')
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
}

describe('Dockerfile', () => {
  test('builds in stages on Node 22, and the final image is node:22-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    for (const stage of stages) expect(stage.image).toMatch(/^node:22(\.|-|$)/)
    expect(finalStage.image).toBe('node:22-bookworm-slim')
  })

  test('installs production dependencies in a deps stage and copies them into the final one', () => {
    const deps = stages.find((stage) => stage.name === 'deps')
    expect(deps, 'a stage named deps').toBeDefined()
    expect(
      deps!.instructions.some(
        ({ keyword, args }) => keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(args)
      )
    ).toBe(true)
    // The manifests, and the dependency patches that `postinstall` applies during `npm ci`.
    expect(contextSources(deps!)).toEqual(['package.json', 'package-lock.json', 'patches'])
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
      dependencies: Record<string, string>
    }
    expect(manifest.scripts.postinstall).toBe('patch-package')
    // `npm ci --omit=dev` runs postinstall, so patch-package must be a production dependency.
    expect(manifest.dependencies['patch-package']).toBeDefined()
    const fromDeps = inFinal('COPY').filter(({ args }) => args.includes('--from=deps'))
    expect(fromDeps.map(({ args }) => words(args).filter((w) => !w.startsWith('--')))).toEqual([
      ['/app/node_modules', './node_modules'],
    ])
    // Nothing installs anything else in the final stage.
    expect(inFinal('RUN').some(({ args }) => /\bnpm (ci|install|i)\b/.test(args))).toBe(false)
  })

  test('copies only paths that exist and that .dockerignore lets through', () => {
    const sources = stages.flatMap(contextSources)
    expect(contextSources(finalStage)).toEqual(
      expect.arrayContaining([
        'package.json',
        'src',
        'locales',
        'migrations',
        // For trying the CSV import in the container (examples/README.md).
        'examples',
      ])
    )
    for (const source of sources) {
      expect(existsSync(join(REPO_ROOT, source)), `${source} exists`).toBe(true)
      const topLevel = source.replace(/^\.\//, '').split('/')[0]
      expect(dockerIgnored, `${source} is not in .dockerignore`).not.toContain(topLevel)
    }
  })

  test('starts the same built entry as npm start, built from src/main.ts in a build stage', () => {
    const command = words(onlyInFinal('CMD').args)
    // npm start runs the bundle, built first by prestart; the image runs node on it directly.
    expect(packageJson.scripts['start']).toBe('node --max-semi-space-size=4 dist/main.js')
    expect(packageJson.scripts['prestart']).toBe('npm run build')
    expect(command.join(' ')).toBe(packageJson.scripts['start'])
    expect(entryOf(command)).toBe('dist/main.js')
    // The build bundles src/main.ts, which exists.
    expect(packageJson.scripts['build']).toBe('node scripts/build.js')
    const buildScript = readFileSync(join(REPO_ROOT, 'scripts/build.js'), 'utf8')
    expect(buildScript).toContain("entryPoints: ['src/main.ts']")
    expect(existsSync(join(REPO_ROOT, 'src/main.ts'))).toBe(true)
    // A build stage with every dependency runs it; the final stage takes only its dist/.
    const build = stages.find((stage) => stage.name === 'build')
    expect(build, 'a stage named build').toBeDefined()
    const runs = build!.instructions.filter(({ keyword }) => keyword === 'RUN')
    expect(runs.some(({ args }) => /\bnpm ci\b/.test(args) && !/--omit=dev/.test(args))).toBe(true)
    expect(runs.some(({ args }) => /\bnpm run build\b/.test(args))).toBe(true)
    expect(contextSources(build!)).toEqual(
      expect.arrayContaining(['scripts', 'src', 'tsconfig.json'])
    )
    const fromBuild = inFinal('COPY').filter(({ args }) => args.includes('--from=build'))
    expect(fromBuild.map(({ args }) => words(args).filter((w) => !w.startsWith('--')))).toEqual([
      ['/app/dist', './dist'],
    ])
  })

  test('npm start, and the CLIs one may run in the container, need no devDependency', () => {
    for (const name of ['start', 'import', 'chat', 'db:migrate']) {
      const script = packageJson.scripts[name]
      if (name === 'start') expect(script).toBeDefined()
      if (script === undefined) continue
      for (const needed of packagesOfScript(script)) {
        expect(
          packageJson.dependencies,
          `npm run ${name}: ${needed.why} needs ${needed.name} in dependencies`
        ).toHaveProperty([needed.name])
        expect(packageJson.devDependencies).not.toHaveProperty([needed.name])
      }
    }
    expect(packagesOfScript('node --import tsx src/main.ts')).toEqual([
      { name: 'tsx', why: '--import tsx' },
    ])
    expect(packagesOfScript('vitest run').map(({ name }) => name)).toEqual(['vitest'])
  })

  test('the app source imports only production dependencies and Node built-ins', () => {
    const builtins = new Set(builtinModules)
    const offenders: string[] = []
    for (const file of runtimeSources()) {
      for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
        const name = packageName(specifier)
        if (builtins.has(name) || name in packageJson.dependencies) continue
        offenders.push(`${relative(REPO_ROOT, file)} imports ${specifier}`)
      }
    }
    expect(offenders).toEqual([])
    // The scan sees what it must: a runtime import, not a type-only one.
    expect(
      runtimeImports("import type { A } from 'vitest'\nimport {\n  b,\n} from 'hono/html'\n")
    ).toEqual(['hono/html'])
  })

  test('runs as the unprivileged node user, with data in a volume that user owns', () => {
    const env = inFinal('ENV')
      .map(({ args }) => args)
      .join(' ')
    expect(env).toMatch(/\bNODE_ENV=production\b/)
    expect(env).toMatch(/\bDATA_DIR=\/data\b/)
    expect(words(onlyInFinal('VOLUME').args)).toEqual(['/data'])
    expect(
      inFinal('RUN').some(({ args }) => /chown\s+(-R\s+)?node(:node)?\s+\/data/.test(args))
    ).toBe(true)
    const user = onlyInFinal('USER').args.trim()
    expect(user).toBe('node')
    expect(user).not.toMatch(/^(root|0)(:|$)/)
    const userIndex = finalStage.instructions.findIndex(({ keyword }) => keyword === 'USER')
    const cmdIndex = finalStage.instructions.findIndex(({ keyword }) => keyword === 'CMD')
    expect(userIndex).toBeLessThan(cmdIndex)
  })

  test('exposes the default PORT and checks /healthz on it', () => {
    const port = String(loadConfig({}).port)
    expect(words(onlyInFinal('EXPOSE').args)).toEqual([port])
    const healthcheck = onlyInFinal('HEALTHCHECK').args
    expect(healthcheck).toContain('/healthz')
    expect(healthcheck).toContain('127.0.0.1')
    expect(healthcheck).toMatch(/\bfetch\(/)
  })
})
