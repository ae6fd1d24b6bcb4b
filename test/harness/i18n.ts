import { type I18n, createI18n } from '../../src/i18n/index.js'

const cache = new Map<string, Promise<I18n>>()

/** The real `locales/` with missing keys as test failures, so a transcript proves its keys exist. */
export function testI18n(timeZone = 'Asia/Jakarta'): Promise<I18n> {
  let i18n = cache.get(timeZone)
  if (!i18n) {
    i18n = createI18n({
      timeZone,
      onMissingKey: (lng, ns, key) => {
        throw new Error(`Missing text ${ns}:${key} (${lng})`)
      },
    })
    cache.set(timeZone, i18n)
  }
  return i18n
}
