/**
 * Response headers every route shares: a Content-Security-Policy that lets pages load only this
 * origin's files (the dashboard and the simulator have no inline script or style; charts and QR
 * codes are inline SVG, photos are served from here), and `Cache-Control: no-store` on whatever
 * may carry personal data, the dashboard's pages and downloads and the API's answers, so no
 * browser or proxy keeps a copy.
 * @module
 */
import type { MiddlewareHandler } from 'hono'

/** Only this origin's scripts, styles, images (and `data:` images), requests and form targets. */
export const SAME_ORIGIN_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
}

/**
 * Marks a response `Cache-Control: no-store` unless its route chose a policy (static files such as
 * the dashboard's stylesheet do).
 */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next()
  if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store')
}
