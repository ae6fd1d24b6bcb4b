/**
 * No import cycle in `src/`, not even of types only: a cycle says a third module is missing (a
 * shared type that belongs lower down). Relative imports and re-exports are followed; packages
 * are not part of the graph.
 */
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

/** Every `import … from './x.js'` and `export … from './x.js'`, types included. */
const RELATIVE_IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await sourceFiles(path)))
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) files.push(path)
  }
  return files
}

/** The file an import specifier names: `./x.js` is `./x.ts`, `./x.tsx` or `./x/index.ts`. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = normalize(join(dirname(from), specifier)).replace(/\.js$/, '')
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((file) => existsSync(file))
}

/** Each module's relative imports. */
function importGraph(sources: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const [file, text] of sources) {
    const targets = [...text.matchAll(RELATIVE_IMPORT)]
      .map((match) => resolveImport(file, match[1]!))
      .filter((target): target is string => target !== undefined)
    graph.set(file, [...new Set(targets)])
  }
  return graph
}

/** The strongly connected components with more than one module (Tarjan), each a cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  let next = 0
  const visit = (node: string): void => {
    index.set(node, next)
    low.set(node, next)
    next++
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target)
        low.set(node, Math.min(low.get(node)!, low.get(target)!))
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string | undefined
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return found
}

test('src/ has no import cycle', async () => {
  const files = await sourceFiles(SRC)
  const sources = new Map(
    await Promise.all(files.map(async (file) => [file, await readFile(file, 'utf8')] as const))
  )
  const found = cycles(importGraph(sources)).map((cycle) =>
    cycle.map((file) => relative(SRC, file)).join(' ↔ ')
  )
  expect(found).toEqual([])
})

test('a cycle of type imports is found, a chain is not', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
    ['e', []],
  ])
  expect(cycles(graph)).toEqual([['a', 'b', 'c']])
  expect(
    cycles(
      new Map([
        ['x', ['y']],
        ['y', []],
      ])
    )
  ).toEqual([])
})

test('type-only imports and re-exports are edges', () => {
  const file = join(SRC, 'db', 'notify.ts')
  const graph = importGraph(
    new Map([[file, "import type { DbOrTx } from './client.js'\nexport { sql } from './raw.js'\n"]])
  )
  expect(graph.get(file)).toEqual([join(SRC, 'db', 'client.ts'), join(SRC, 'db', 'raw.ts')])
})
