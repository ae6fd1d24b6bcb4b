/**
 * The reader has only the repository: comments and docs cite `docs/` (a file, a `#section`, a
 * domain decision or a design principle), never the planning documents or issue numbers, and
 * every such citation points at something that exists.
 */
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Folders whose every text file is checked, and single files at the root. */
const FOLDERS = ['src', 'test', 'bench', 'docs', 'examples', '.ci']
const ROOT_FILES = [
  'README.md',
  'Dockerfile',
  '.dockerignore',
  '.env.example',
  'eslint.config.js',
  'vitest.config.ts',
  'drizzle.config.ts',
  'package.json',
]
/** This file names what it forbids. */
const SELF = 'test/lint/citations.test.ts'
const TEXT_FILE = /\.(ts|tsx|js|md|json|sh)$|^run$/
/** Folders with generated or measured output, not prose. */
const SKIPPED = new Set(['node_modules', 'results', 'test-artifacts'])

/** Citations of documents a reader of the repository does not have. */
const FORBIDDEN: { pattern: RegExp; what: string }[] = [
  { pattern: /\bDOMAIN\b/, what: 'the planning DOMAIN.md (cite docs/domain.md)' },
  { pattern: /\bDESIGN\b/, what: 'the planning DESIGN.md (cite docs/design.md)' },
  { pattern: /\b(STYLE|STACK)(\.md|'s| §|:)/, what: 'a planning document (cite docs/)' },
  { pattern: /\bshared\/[A-Z]/, what: 'the planning folder (cite docs/)' },
  { pattern: /\bissue (\d+|§)/i, what: 'an issue number (explain in place)' },
]

async function textFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true }).catch(() => [])
  const files: string[] = []
  for (const entry of entries) {
    if (SKIPPED.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await textFiles(path)))
    else if (TEXT_FILE.test(entry.name)) files.push(path)
  }
  return files
}

async function allFiles(): Promise<string[]> {
  const nested = await Promise.all(FOLDERS.map(textFiles))
  return [...ROOT_FILES, ...nested.flat()]
}

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

type Doc = { anchors: Set<string>; numbered: Map<string, number> }

/** A doc's heading anchors and, per `##` section, how many numbered bold items (`1. **…**`) it has. */
async function readDoc(path: string): Promise<Doc | undefined> {
  const text = await readFile(join(ROOT, path), 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  const anchors = new Set<string>()
  const numbered = new Map<string, number>()
  let section = ''
  let inFence = false
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence
    if (inFence) continue
    const heading = /^#{1,6} (.+)$/.exec(line)
    if (heading !== null) {
      anchors.add(slug(heading[1]!))
      if (line.startsWith('## ')) section = slug(heading[1]!)
    }
    const item = /^(\d+)\. \*\*/.exec(line)
    if (item !== null) numbered.set(section, Math.max(numbered.get(section) ?? 0, Number(item[1])))
  }
  return { anchors, numbered }
}

const docs = new Map<string, Promise<Doc | undefined>>()
function doc(path: string): Promise<Doc | undefined> {
  let found = docs.get(path)
  if (found === undefined) {
    found = readDoc(path)
    docs.set(path, found)
  }
  return found
}

/** What is wrong with the `docs/` citations in one file's text (empty when nothing is). */
async function brokenCitations(text: string): Promise<string[]> {
  const problems: string[] = []
  // Comments wrap: join the continuation marks so a citation split over two lines reads as one.
  const flat = text.replace(/\n\s*(\*|\/\/|#)?\s*/g, ' ')
  for (const match of flat.matchAll(/docs\/([\w/-]+\.md)(#[\w-]+)?/g)) {
    const path = `docs/${match[1]}`
    const found = await doc(path)
    if (found === undefined) problems.push(`${match[0]}: no such file`)
    else if (match[2] !== undefined && !found.anchors.has(match[2].slice(1))) {
      problems.push(`${match[0]}: no such section`)
    }
  }
  const domain = await doc('docs/domain.md')
  const decisions = domain?.numbered.get('decisions') ?? 0
  for (const match of flat.matchAll(/docs\/domain\.md, decisions? ([\d, and]+)/g)) {
    for (const n of match[1]!.match(/\d+/g) ?? []) {
      if (Number(n) < 1 || Number(n) > decisions) problems.push(`${match[0]}: no decision ${n}`)
    }
  }
  const design = await doc('docs/design.md')
  const principles = design?.numbered.get('') ?? 0
  for (const match of flat.matchAll(/docs\/design\.md (P\d+(?:-P\d+)?(?:, P\d+)*)/g)) {
    for (const n of match[1]!.match(/\d+/g) ?? []) {
      if (Number(n) < 1 || Number(n) > principles) problems.push(`${match[0]}: no principle P${n}`)
    }
  }
  return problems
}

describe('citations', () => {
  test('no comment or doc cites a planning document or an issue number', async () => {
    const found: string[] = []
    for (const file of await allFiles()) {
      if (file === SELF) continue
      const text = await readFile(join(ROOT, file), 'utf8').catch(() => '')
      text.split('\n').forEach((line, index) => {
        for (const { pattern, what } of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${file}:${index + 1} cites ${what}: ${line.trim()}`)
        }
      })
    }
    expect(found).toEqual([])
  })

  test('every docs/ citation names a file, section, decision or principle that exists', async () => {
    const broken: string[] = []
    for (const file of await allFiles()) {
      if (file === SELF) continue
      const text = await readFile(join(ROOT, file), 'utf8').catch(() => '')
      for (const problem of await brokenCitations(text)) broken.push(`${file}: ${problem}`)
    }
    expect(broken).toEqual([])
  })

  test('the checks catch what they are for', async () => {
    expect(await brokenCitations('see docs/domain.md, decision 99')).toEqual([
      'docs/domain.md, decision 99: no decision 99',
    ])
    expect(await brokenCitations('(docs/design.md P4-P7, P99)')).toEqual([
      'docs/design.md P4-P7, P99: no principle P99',
    ])
    expect(await brokenCitations('docs/domain.md#no-such-part and docs/nothing.md')).toEqual([
      'docs/domain.md#no-such-part: no such section',
      'docs/nothing.md: no such file',
    ])
    expect(
      await brokenCitations('docs/domain.md, decisions 4 and\n * 8; docs/design.md P11')
    ).toEqual([])
    expect(FORBIDDEN.some(({ pattern }) => pattern.test('(DOMAIN decision 4)'))).toBe(true)
    expect(FORBIDDEN.some(({ pattern }) => pattern.test('as of issue 12'))).toBe(true)
  })
})
