/**
 * The dashboard in a started bot (`startKaderbot`, simulator channel, real HTTP): the first admin
 * logs in with ADMIN_TOKEN, imports the roster from the dashboard, then an admin of that roster
 * asks for a link in the simulator chat (MASUK) and opens the dashboard with it.
 */
import { expect, test } from 'vitest'
import { useStartedBot } from '../harness/start.js'

const ADMIN_TOKEN = 'token-admin-pertama-0123456789'

const bot = useStartedBot('admin-start')

/** A browser of one over real HTTP: keeps the cookie, posts forms from the same origin. */
function browser(base: string) {
  let cookie = ''
  const keep = (response: Response) => {
    const set = response.headers.get('set-cookie')
    if (set) cookie = set.split(';')[0]!
    return response
  }
  return {
    get: async (path: string) =>
      keep(await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' })),
    post: async (path: string, body: URLSearchParams | FormData) =>
      keep(
        await fetch(`${base}${path}`, {
          method: 'POST',
          body,
          headers: { cookie, origin: base },
          redirect: 'manual',
        })
      ),
  }
}

test('first start: token login, roster import, then a chat login link', async () => {
  const { url } = await bot.start({ simulatorEnabled: true, adminToken: ADMIN_TOKEN })
  const first = browser(url)
  const login = await first.post('/admin/login', new URLSearchParams({ token: ADMIN_TOKEN }))
  expect(login.status).toBe(303)
  const people = await (await first.get('/admin/orang')).text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(people)![1]!
  const form = new FormData()
  form.set('_csrf', csrf)
  form.set(
    'berkas',
    new File(['nama,telepon,peran,kode_wilayah\nIbu Admin,081234560001,admin,35.07\n'], 'a.csv')
  )
  const report = await (await first.post('/admin/orang/impor', form)).text()
  expect(report).toContain('1 diterima')

  const say = async (text: string) => {
    const response = await fetch(`${url}/api/v1/simulator/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'sim-ibu', phone: '+6281234560001', text }),
    })
    expect(response.status).toBe(200)
    return ((await response.json()) as { replies: { text: string }[] }).replies
      .map((r) => r.text)
      .join('\n')
  }
  await say('halo')
  await say('ya')
  const answer = await say('masuk')
  const link = new RegExp(`${url}/admin/login/([A-Za-z0-9_-]+)`).exec(answer)
  expect(link).not.toBeNull()

  const second = browser(url)
  expect((await second.get(`/admin/login/${link![1]}`)).status).toBe(200)
  const opened = await second.post(`/admin/login/${link![1]}`, new URLSearchParams())
  expect(opened.status).toBe(303)
  const home = await second.get('/admin')
  expect(home.status).toBe(200)
  expect(await home.text()).toContain('Ibu Admin')
  const css = await second.get('/admin/assets/admin.css')
  expect(css.headers.get('content-type')).toContain('text/css')
}, 60_000)
