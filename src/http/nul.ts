/**
 * NUL characters (U+0000) in request input. Postgres text cannot hold one, so a value carrying it
 * would fail its query and answer 500; input with one is refused at the boundary with a 400
 * instead: the path and query string of every request (`rejectNulInUrl`, in `app.ts` for all
 * routes, the dashboard with its own page), JSON bodies where the API and the simulator parse
 * them, and dashboard forms (`formHasNul`).
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'

const NUL = '\u0000'

/** The API's JSON answer to input with a NUL character. */
export const NUL_REFUSAL = {
  error: 'invalid_request',
  message: 'The request contains a NUL character (U+0000), which no value may hold.',
} as const

/** Objects of JSON and of parsed forms (Hono's have no prototype), not files or dates. */
function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** Whether a parsed value (a string, or strings in arrays and objects, keys too) holds a NUL. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL)
  if (Array.isArray(value)) return value.some(containsNul)
  if (value && typeof value === 'object' && isPlainObject(value)) {
    return Object.entries(value).some(([key, item]) => key.includes(NUL) || containsNul(item))
  }
  return false
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/** Whether a request URL's path or query string decodes to text with a NUL. */
export function urlHasNul(url: string): boolean {
  const { pathname, search } = new URL(url)
  if (decoded(pathname).includes(NUL)) return true
  return [...new URLSearchParams(search)].some(([key, value]) => containsNul([key, value]))
}

/**
 * Whether the fields of a urlencoded form POST hold a NUL. Multipart bodies (the CSV import) are
 * left to their route, which reads them only after its own checks.
 */
export async function formHasNul(c: Context): Promise<boolean> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (c.req.method !== 'POST' || type !== 'application/x-www-form-urlencoded') return false
  // Parsed once: Hono keeps the form for the route's own `parseBody`.
  return containsNul(await c.req.parseBody({ all: true }))
}

/** Answers `refuse(c)` for a request whose path or query string holds a NUL. */
export function rejectNulInUrl(
  refuse: (c: Context) => Response | Promise<Response>
): MiddlewareHandler {
  return async (c, next) => {
    if (urlHasNul(c.req.url)) return refuse(c)
    await next()
  }
}
