import { Hono } from 'hono'
import { expect, test } from 'vitest'
import { mountLazily } from './lazy-routes.js'

const answers = (target: Hono) => {
  target.notFound((c) => c.json({ error: 'not_found' }, 404))
  target.onError((_error, c) => c.json({ error: 'internal' }, 500))
  return target
}

/** An app with routes at `/panel` that load at their first request, and a count of loads. */
function appWithLazyPanel(fail = 0) {
  const app = new Hono()
  app.use(async (c, next) => {
    await next()
    c.header('x-parent', 'yes')
  })
  app.get('/healthz', (c) => c.text('ok'))
  const loads = { count: 0 }
  mountLazily(
    app,
    '/panel',
    async () => {
      loads.count += 1
      if (loads.count <= fail) throw new Error('load failed')
      const panel = new Hono()
      panel.get('/', (c) => c.text('panel'))
      panel.get('/items/:id', (c) => c.text(`item ${c.req.param('id')}`))
      panel.get('/broken', () => {
        throw new Error('broken')
      })
      return panel
    },
    answers
  )
  return { app: answers(app), loads }
}

test('routes load at their first request, once, and answer under their path', async () => {
  const { app, loads } = appWithLazyPanel()
  expect((await app.request('/healthz')).status).toBe(200)
  expect(loads.count).toBe(0)
  const first = await app.request('/panel')
  expect(await first.text()).toBe('panel')
  expect(first.headers.get('x-parent')).toBe('yes')
  expect(await (await app.request('/panel/items/7')).text()).toBe('item 7')
  expect(loads.count).toBe(1)
})

test("unknown paths and errors get the parent's answers", async () => {
  const { app } = appWithLazyPanel()
  const missing = await app.request('/panel/nothing')
  expect(missing.status).toBe(404)
  expect(await missing.json()).toEqual({ error: 'not_found' })
  const broken = await app.request('/panel/broken')
  expect(broken.status).toBe(500)
  expect(await broken.json()).toEqual({ error: 'internal' })
})

test('a load that failed is tried again at the next request', async () => {
  const { app, loads } = appWithLazyPanel(1)
  expect((await app.request('/panel')).status).toBe(500)
  expect(await (await app.request('/panel')).text()).toBe('panel')
  expect(loads.count).toBe(2)
})
