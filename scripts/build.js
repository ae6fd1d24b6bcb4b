// @ts-check
/**
 * `npm run build` (run by `prestart`): bundles the app's own TypeScript into `dist/` with esbuild,
 * so `npm start` runs plain JavaScript instead of transpiling every module through tsx at each
 * start. Packages stay imports of `node_modules` (not bundled), and the dynamic imports (WhatsApp,
 * exports) stay separate chunks loaded only when used.
 *
 * Files read at run time (migrations, locales, the region CSVs, the simulator page, the admin
 * assets) are found from each module's `import.meta.url`. In the bundle every module shares one
 * file, so each source file's `import.meta.url` is rewritten to the URL of that source file: the
 * built app reads the same files in the same places as `tsx src/main.ts` does, and a path that
 * works in development works built.
 *
 * Then it makes the PGlite template, `dist/pglite-template/` (src/db/pglite-template.ts): a data
 * directory through initdb, the migrations and the region seed, which a fresh DATA_DIR copies at
 * its first start instead of running them. It is made again only when the migrations, the seed
 * or PGlite changed (a few seconds), so a `prestart` build of unchanged code stays quick.
 */
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}dist`

/** @type {import('esbuild').Plugin} */
const sourceImportMetaUrl = {
  name: 'source-import-meta-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, async (args) => {
      const contents = await readFile(args.path, 'utf8')
      const loader = args.path.endsWith('x') ? 'tsx' : 'ts'
      if (!contents.includes('import.meta.url')) return { contents, loader }
      // dist/ is one level below the root, like src/: a path relative to the chunk's folder.
      const fromDist = relative(outdir, args.path).split('\\').join('/')
      const url = `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`
      return {
        contents: contents.replaceAll('import.meta.url', url),
        loader,
        resolveDir: dirname(args.path),
      }
    })
  },
}

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [sourceImportMetaUrl],
  write: false,
}
const app = await build({ ...common, entryPoints: ['src/main.ts'], splitting: true })
// The template maker runs at build time only: one file of its own beside the app's chunks.
const templateMaker = await build({
  ...common,
  entryPoints: { 'pglite-template-build': 'src/db/pglite-template-build.ts' },
})

// Silent when it succeeds: `npm start` prints only what the app says. Each file is written beside
// its place and renamed into it, so a start (or a second build) at the same moment never reads half
// a file. Chunk names carry a hash of their content; chunks of older builds are removed once they
// are old enough that no start can still be loading them.
await mkdir(outdir, { recursive: true })
const written = new Set()
for (const file of [...app.outputFiles, ...templateMaker.outputFiles]) {
  const temporary = `${file.path}.${process.pid}.tmp`
  await writeFile(temporary, file.contents)
  await rename(temporary, file.path)
  written.add(basename(file.path))
}
const STALE_MS = 10 * 60_000
const TEMPLATE = 'pglite-template'
for (const name of await readdir(outdir)) {
  if (written.has(name) || name === TEMPLATE) continue
  // Another build at the same moment may rename or remove a file between the listing and here.
  const stats = await stat(join(outdir, name)).catch(() => undefined)
  if (stats && Date.now() - stats.mtimeMs > STALE_MS) {
    // Directories: a template a build was interrupted making.
    await rm(join(outdir, name), { force: true, recursive: name.startsWith(`${TEMPLATE}.`) })
  }
}

/** @type {{ ensurePgliteTemplate: (dir: string) => Promise<'kept' | 'made'> }} */
const templates = await import(pathToFileURL(join(outdir, 'pglite-template-build.js')).href)
await templates.ensurePgliteTemplate(join(outdir, TEMPLATE))
