/**
 * The texts people read, in their language: i18next loaded from `locales/<lng>/<namespace>.json`
 * (one namespace per flow id, shared texts in `common`), with Indonesian date and number formatters
 * that locale strings call by name: `{{date, tanggal}}`, `{{at, waktu}}`, `{{at, jam}}`,
 * `{{size, angka}}`, `{{date, tanggal_pendek}}`, `{{date, bulan}}` ("November 2025"),
 * `{{amount, rupiah}}`, and `{{name, nama}}` (a name title-cased for display, `domain/names.ts`).
 * @module
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInstance } from 'i18next'
import type { Resource, ResourceLanguage, TFunction } from 'i18next'
import { type Text, type TextParam, isOutcomeRef } from '../engine/types.js'
import {
  formatDate,
  formatDateTime,
  formatMonth,
  formatNumber,
  formatRupiah,
  formatShortDate,
  formatTime,
} from './format.js'
import { displayName } from '../domain/names.js'

export type { Text, TextParam }

/** The language every text exists in, and the one used when a person's language lacks a key. */
export const DEFAULT_LANGUAGE = 'id'

/** The namespace of keys written without a `namespace:` prefix. */
export const DEFAULT_NAMESPACE = 'common'

/** The repository's `locales/` folder, found from this file so it works from any working directory. */
export const DEFAULT_LOCALES_DIR = fileURLToPath(new URL('../../locales/', import.meta.url))

/** Options of `createI18n`. */
export type CreateI18nOptions = {
  /** Folder holding `<lng>/<namespace>.json`; defaults to the repository's `locales/`. */
  localesDir?: string
  /** Zone of the `waktu`, `jam` and `tanggal` formatters (the configured `TZ_NAME`). */
  timeZone: string
  /**
   * Called when no key of a text exists in the language or its fallback; with a key list, `key` is
   * the last one tried. Tests make it throw; production logs it. The text shown is then the key.
   */
  onMissingKey?: (lng: string, ns: string, key: string) => void
}

/** Renders texts for people; built once at start by `createI18n`. */
export type I18n = {
  /** Renders a `Text` in `lng` (default `id`): nested texts in params first, then the keys in order. */
  render(text: Text, lng?: string): string
  /** Whether the key exists (`'visit-report:askMembers'` or a `common` key). */
  has(key: string): boolean
  /** i18next's own `t`, for the rare text that is not a `Text`. */
  t: TFunction
}

/** Thrown when a locale file cannot be read or is not a JSON object. */
export class LocaleFileError extends Error {
  readonly code = 'LOCALE_FILE_INVALID' as const

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LocaleFileError'
  }
}

/** Reads every `<lng>/<namespace>.json` below `localesDir` into an i18next resource tree. */
export async function loadLocaleResources(
  localesDir: string
): Promise<{ resources: Resource; namespaces: string[] }> {
  const resources: Resource = {}
  const namespaces = new Set<string>([DEFAULT_NAMESPACE])
  const languages = await readdir(localesDir, { withFileTypes: true })
  for (const language of languages) {
    if (!language.isDirectory()) continue
    const bundle: ResourceLanguage = {}
    const files = await readdir(join(localesDir, language.name), { withFileTypes: true })
    for (const file of files) {
      if (!file.isFile() || !file.name.endsWith('.json')) continue
      const path = join(localesDir, language.name, file.name)
      let content: unknown
      try {
        content = JSON.parse(await readFile(path, 'utf8'))
      } catch (error) {
        throw new LocaleFileError(`Cannot read locale file ${path}`, { cause: error })
      }
      if (typeof content !== 'object' || content === null || Array.isArray(content)) {
        throw new LocaleFileError(`Locale file ${path} must hold a JSON object`)
      }
      const namespace = file.name.slice(0, -'.json'.length)
      bundle[namespace] = content as ResourceLanguage[string]
      namespaces.add(namespace)
    }
    resources[language.name] = bundle
  }
  return { resources, namespaces: [...namespaces].sort() }
}

/** The `address` texts of `common`: how to name a reader, and forms of address people type. */
function addressTexts(resources: Resource): { unknown?: string; typedTitles?: string } {
  const common = resources[DEFAULT_LANGUAGE]?.[DEFAULT_NAMESPACE] as
    { address?: Record<string, unknown> } | undefined
  const text = (key: string) => {
    const value = common?.address?.[key]
    return typeof value === 'string' ? value : undefined
  }
  return { unknown: text('unknown'), typedTitles: text('typedTitles') }
}

/** `sapaan` and `sapaanNama` for a reader the text does not name: "Bapak/Ibu" from `common`. */
function addressDefaults(resources: Resource): Record<string, string> {
  const { unknown } = addressTexts(resources)
  return unknown === undefined ? {} : { sapaan: unknown, sapaanNama: unknown }
}

/** A param a template names: `{{name}}`, `{{- name}}`, `{{date, tanggal}}`, `{{person.name}}`. */
const TEMPLATE_PARAM = /\{\{-?\s*([^\s,.}]+)/g

/**
 * The values a render is known by: those the template names (all when it may use any), and
 * `count` and `context`, which choose the template itself.
 */
function keyValues(
  values: Record<string, string | number>,
  named: ReadonlySet<string> | undefined
): Record<string, string | number> {
  if (named === undefined) return values
  const kept: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(values)) {
    if (named.has(name) || name === 'count' || name === 'context') kept[name] = value
  }
  return kept
}

/** Turns a `Text`'s params into i18next interpolation values, rendering nested texts first. */
function renderParams(
  params: Record<string, TextParam>,
  renderNested: (text: Text) => string
): Record<string, string | number> {
  const values: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(params)) {
    // An outcome is filled in before rendering (conversation/render.ts); one left is a bug.
    if (isOutcomeRef(value)) throw new Error(`outcome ${value.outcome} rendered unfilled`)
    values[name] = typeof value === 'object' ? renderNested(value) : value
  }
  return values
}

/**
 * Loads every locale file and returns the renderer the runtime uses for replies (docs/design.md P1:
 * flows return keys and params; only this module turns them into words).
 */
/** How many renders `render` keeps (each a key with its params and the text it gave). */
const RENDER_CACHE_SIZE = 20_000

export async function createI18n(options: CreateI18nOptions): Promise<I18n> {
  const { resources, namespaces } = await loadLocaleResources(
    options.localesDir ?? DEFAULT_LOCALES_DIR
  )
  const onMissingKey = options.onMissingKey
  /** Set when a render reports a missing key (see `render`). */
  let missed = false
  const instance = createInstance()
  await instance.init({
    resources,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    ns: namespaces,
    defaultNS: DEFAULT_NAMESPACE,
    // A text for anyone may name the reader ("Halo, {{sapaanNama}}"): without a person it reads
    // "Bapak/Ibu"; the runtime passes the person's own (`conversation/render.ts`).
    interpolation: { escapeValue: false, defaultVariables: addressDefaults(resources) },
    returnNull: false,
    // An empty string is an unfinished translation: fall back (and report) rather than show nothing.
    returnEmptyString: false,
    saveMissing: onMissingKey !== undefined,
    missingKeyHandler:
      onMissingKey === undefined
        ? false
        : (_lngs, ns, key, _fallbackValue, _updateMissing, tOptions: unknown) => {
            const lng = (tOptions as { lng?: unknown } | undefined)?.lng
            missed = true
            onMissingKey(typeof lng === 'string' ? lng : DEFAULT_LANGUAGE, ns, key)
          },
  })

  const formatter = instance.services.formatter
  if (formatter === undefined) throw new Error('i18next started without its formatter service')
  const { timeZone } = options
  formatter.add('tanggal', (value: Date | string) => formatDate(value, timeZone))
  formatter.add('tanggal_pendek', (value: Date | string) => formatShortDate(value, timeZone))
  formatter.add('bulan', (value: Date | string) => formatMonth(value, timeZone))
  formatter.add('waktu', (value: Date | string) => formatDateTime(value, timeZone))
  formatter.add('jam', (value: Date | string) => formatTime(value, timeZone))
  formatter.add('angka', (value: number | string) => formatNumber(Number(value)))
  formatter.add('rupiah', (value: number | string) => formatRupiah(Number(value)))
  const typedTitles = new Set(
    (addressTexts(resources).typedTitles ?? '').split(',').map((word) => word.trim().toLowerCase())
  )
  formatter.add('nama', (value: string) => displayName(String(value), typedTitles))

  const t = instance.t.bind(instance) as TFunction

  // A text's rendering depends only on its key, the params its template names and the language
  // (the resources and formatters never change after start), so renders are kept, a bounded
  // number, most recent last. The key leaves out params the template does not name, so a text
  // that does not say the reader's name is kept once for everyone, not once per reader. A render
  // that reported a missing key is not kept: the next one reports it again.
  const cache = new Map<string, string>()
  const templateParams = new Map<string, ReadonlySet<string> | undefined>()

  /** The params `key`'s template names; undefined when it may use any (nesting, a key list). */
  function paramsNamed(key: Text['key'], lng: string): ReadonlySet<string> | undefined {
    if (typeof key !== 'string') return undefined
    const memoKey = `${lng}\u0000${key}`
    if (templateParams.has(memoKey)) return templateParams.get(memoKey)
    const named = readTemplateParams(key, lng)
    templateParams.set(memoKey, named)
    return named
  }

  function readTemplateParams(key: string, lng: string): ReadonlySet<string> | undefined {
    const split = key.indexOf(':')
    const ns = split === -1 ? DEFAULT_NAMESPACE : key.slice(0, split)
    const path = split === -1 ? key : key.slice(split + 1)
    const names = new Set<string>()
    let found = false
    for (const language of new Set([lng, DEFAULT_LANGUAGE])) {
      const template: unknown = instance.getResource(language, ns, path)
      if (template === undefined) continue
      if (typeof template !== 'string' || template.includes('$t(')) return undefined
      found = true
      for (const match of template.matchAll(TEMPLATE_PARAM)) names.add(match[1]!)
    }
    return found ? names : undefined
  }

  function render(text: Text, lng: string = DEFAULT_LANGUAGE): string {
    const missedBefore = missed
    missed = false
    try {
      // Nested texts first: each is kept on its own, and this text is known by their words.
      const values =
        text.params === undefined
          ? undefined
          : renderParams(text.params, (nested) => render(nested, lng))
      const cacheKey =
        values === undefined && typeof text.key === 'string'
          ? `${lng}\u0000${text.key}`
          : `${lng}\u0001${JSON.stringify([text.key, keyValues(values ?? {}, paramsNamed(text.key, lng))])}`
      const cached = cache.get(cacheKey)
      if (cached !== undefined) {
        cache.delete(cacheKey)
        cache.set(cacheKey, cached)
        return cached
      }
      const rendered = translate(text.key, values ?? {}, lng)
      if (!missed) {
        if (cache.size >= RENDER_CACHE_SIZE) cache.delete(cache.keys().next().value!)
        cache.set(cacheKey, rendered)
      }
      return rendered
    } finally {
      missed ||= missedBefore
    }
  }

  function translate(key: Text['key'], values: Record<string, string | number>, lng: string) {
    // Values go in `replace`, so a param can never be mistaken for an i18next option (`ns`, `lng`);
    // only `count` and `context` are passed on as options too, for plurals and contexts.
    const tOptions: Record<string, unknown> = { lng, replace: values }
    if (typeof values['count'] === 'number') tOptions['count'] = values['count']
    if (typeof values['context'] === 'string') tOptions['context'] = values['context']
    return instance.t(key, tOptions) as string
  }

  return {
    render,
    has: (key) => instance.exists(key),
    t,
  }
}
