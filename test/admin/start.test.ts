/**
 * The dashboard in a started bot (`startKaderbot`, simulator channel, real HTTP): the first admin
 * logs in with ADMIN_TOKEN, imports the roster from the dashboard, then an admin of that roster
 * asks for a link in the simulator chat (MASUK) and opens the dashboard with it. The simulator
 * needs ADMIN_TOKEN once it is set (else anyone reaching the port could ask for that link as the
 * admin's phone); without it, only this machine is answered. The start-up log says which.
 */
import { expect, test } from 'vitest'
import { createLogger } from '../../src/lib/logger.js'
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

/** A logger at info whose lines the test reads. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = []
  const write = (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>)
  return { logger: createLogger({ level: 'info', destination: { write } }), lines }
}

test('first start: token login, roster import, then a chat login link', async () => {
  const { logger, lines } = capturedLogger()
  const { url } = await bot.start({ simulatorEnabled: true, adminToken: ADMIN_TOKEN }, { logger })
  expect(lines.find((line) => line['msg'] === 'kaderbot started')).toMatchObject({
    simulatorAccess: 'admin_token',
  })
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
  // The import runs as a job: its page, once the job's JSON says it ended, shows the report.
  const job = (await first.post('/admin/orang/impor', form)).headers.get('location')!
  expect(job).toMatch(/^\/admin\/impor\/\d+$/)
  for (let polls = 0; polls < 1000; polls++) {
    const state = (await (await first.get(`${job}/status`)).json()) as { ended: boolean }
    if (state.ended) break
  }
  const report = await (await first.get(job)).text()
  expect(report).toContain('1 diterima')

  const send = (text: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1/simulator/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ from: 'sim-ibu', phone: '+6281234560001', text }),
    })
  // Without the token nobody speaks as the admin's phone, nor reads that chat's links.
  for (const text of ['halo', 'ya', 'masuk']) expect((await send(text)).status).toBe(401)
  expect((await fetch(`${url}/api/v1/simulator/inbox?from=sim-ibu`)).status).toBe(401)
  const say = async (text: string) => {
    const response = await send(text, { authorization: `Bearer ${ADMIN_TOKEN}` })
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

test('without ADMIN_TOKEN the simulator answers this machine only, and says so at start', async () => {
  const { logger, lines } = capturedLogger()
  const { url } = await bot.start({ simulatorEnabled: true }, { logger })
  expect(lines.find((line) => line['msg'] === 'kaderbot started')).toMatchObject({
    simulatorAccess: 'loopback_only',
  })
  const send = (headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1/simulator/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ from: 'sim-lokal', text: 'halo' }),
    })
  expect((await send()).status).toBe(200)
  expect((await fetch(`${url}/simulator`)).status).toBe(200)
  // Through a reverse proxy on this machine it is someone else.
  expect((await send({ 'x-forwarded-for': '203.0.113.7' })).status).toBe(403)
}, 60_000)
