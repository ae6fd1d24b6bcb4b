/**
 * Routes loaded at their first request, for what answering chats does not need (the dashboard,
 * the REST API): start-up neither loads their modules nor builds them (their OpenAPI document,
 * their pages), which took a seventh of a restart. The request runs on an app that mounts the
 * loaded routes at the same path, with the parent's answers to errors and unknown paths; the
 * parent's middleware (headers, refusal counting) wraps it as it wraps every route.
 * @module
 */
import { type Context, type Env, Hono, type Schema } from 'hono'

/**
 * Mounts at `path` the routes `load` resolves to, loaded once at the first request under `path`
 * (again after a failed load). `answers` gives the mounting app the parent's error and not-found
 * handlers.
 */
export function mountLazily<E extends Env, S extends Schema, B extends string>(
  app: Hono,
  path: string,
  load: () => Promise<Hono<E, S, B>>,
  answers: (mounting: Hono) => Hono
): void {
  let mounted: Promise<Hono> | undefined
  const serve = async (c: Context) => {
    mounted ??= load().then((routes) => answers(new Hono().route(path, routes)))
    const routes = await mounted.catch((error: unknown) => {
      mounted = undefined
      throw error
    })
    return routes.fetch(c.req.raw, c.env)
  }
  app.all(path, serve)
  app.all(`${path}/*`, serve)
}
