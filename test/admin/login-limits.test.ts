/**
 * Brute-force limits of the dashboard logins and of MASUK: failures counted per client address
 * and for the ADMIN_TOKEN account, a 429 page in Indonesian with `Retry-After` past the limit
 * (before the secret is even compared), the window reopening on the injected clock, the count
 * shared by two app instances on one database (replicas), and MASUK links capped per person.
 */
import { describe, expect, test } from 'vitest'
import { createLoginToken } from '../../src/db/queries/admin.js'
import {
  LOGIN_WINDOW_MS,
  MAX_ADMIN_TOKEN_FAILURES,
  MAX_FAILURES_PER_ADDRESS,
  MAX_LOGIN_LINKS_PER_PERSON,
} from '../../src/domain/login-limits.js'
import { ADMIN_TOKEN, NOW, createDashboardApp, useSeededDashboard } from '../harness/admin.js'
import { fromPeer } from '../harness/http.js'
import { createRuntimeForTest, giveConsent, simulatorMessage } from '../harness/runtime.js'

const month = useSeededDashboard('test')

/** A clock the test moves by hand. */
function movableClock() {
  let now = NOW
  return {
    clock: () => now,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms)
    },
  }
}

type App = Awaited<ReturnType<typeof createDashboardApp>>

/** A form post over a TCP connection from `peer`, with more headers (a proxy's). */
const postFromPeer = (
  app: App,
  path: string,
  form: Record<string, string>,
  peer: string,
  headers: Record<string, string> = {}
) =>
  app.request(
    path,
    {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { origin: 'http://localhost', ...headers },
    },
    fromPeer(peer)
  )

/** A token login from one client address (its own connection). */
const tokenLogin = (app: App, address: string, token: string) =>
  postFromPeer(app, '/admin/login', { token }, address)

/** A token login over a TCP connection from `peer` that says it forwards for `forwarded`. */
const tokenLoginFromPeer = (app: App, peer: string, forwarded: string, token: string) =>
  postFromPeer(app, '/admin/login', { token }, peer, { 'x-forwarded-for': forwarded })

/** As many wrong tokens as one address may try (`login` gets the guess and its number), each 401. */
async function guessUpToTheLimit(
  login: (token: string, i: number) => Response | Promise<Response>
) {
  for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
    expect((await login(`tebakan-${i}`, i)).status).toBe(401)
  }
}

const linkLogin = (app: App, address: string, token: string) =>
  postFromPeer(app, `/admin/login/${token}`, {}, address)

describe('ADMIN_TOKEN form', () => {
  test('ten failures from one address block it for the window, right token or not', async () => {
    const time = movableClock()
    const app = await createDashboardApp(month.db, { clock: time.clock })
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await tokenLogin(app, '198.51.100.7', 'tebakan-salah')).status).toBe(401)
    }
    const blocked = await tokenLogin(app, '198.51.100.7', ADMIN_TOKEN)
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBe(String(LOGIN_WINDOW_MS / 1000))
    expect(blocked.headers.get('set-cookie')).toBeNull()
    const page = await blocked.text()
    expect(page).toContain('Terlalu banyak percobaan masuk yang gagal')
    expect(page).toContain('coba lagi dalam 15 menit')
    expect(page).toContain('<html lang="id">')

    // Another address is not held back by this one.
    expect((await tokenLogin(app, '198.51.100.8', ADMIN_TOKEN)).status).toBe(303)

    // Ten minutes on: still blocked, five minutes to go; once the window has passed, open again.
    time.advance(10 * 60_000)
    const later = await tokenLogin(app, '198.51.100.7', ADMIN_TOKEN)
    expect(later.status).toBe(429)
    expect(later.headers.get('retry-after')).toBe(String(5 * 60))
    expect(await later.text()).toContain('coba lagi dalam 5 menit')
    time.advance(5 * 60_000)
    expect((await tokenLogin(app, '198.51.100.7', ADMIN_TOKEN)).status).toBe(303)
  })

  test('past 30 failures from many addresses, those addresses are held; a fresh one is not', async () => {
    const time = movableClock()
    const app = await createDashboardApp(month.db, { clock: time.clock })
    // Three guesses from each of ten addresses: no address reaches its own limit.
    for (let i = 0; i < MAX_ADMIN_TOKEN_FAILURES; i++) {
      const address = `203.0.113.${i % 10}`
      expect((await tokenLogin(app, address, `tebakan-${i}`)).status).toBe(401)
    }
    // An address that guessed is held back even with the right token, before comparing.
    const guesser = await tokenLogin(app, '203.0.113.3', ADMIN_TOKEN)
    expect(guesser.status).toBe(429)
    expect(await guesser.text()).toContain('Terlalu banyak percobaan')
    // Guessers elsewhere cannot lock the owner out: the right token from a fresh address works,
    // again and again; a fresh guesser gets one try, then waits.
    expect((await tokenLogin(app, '198.51.100.200', ADMIN_TOKEN)).status).toBe(303)
    expect((await tokenLogin(app, '198.51.100.200', ADMIN_TOKEN)).status).toBe(303)
    expect((await tokenLogin(app, '203.0.113.99', 'tebakan-baru')).status).toBe(401)
    expect((await tokenLogin(app, '203.0.113.99', ADMIN_TOKEN)).status).toBe(429)
    // A supervisor's chat link is another way in and stays open.
    const { token } = await createLoginToken(month.db, { personId: month.seed.supSgs, now: NOW })
    expect((await linkLogin(app, '203.0.113.3', token)).status).toBe(303)
    // Once the account's window has passed, the guessers' own counts are all that is left.
    time.advance(LOGIN_WINDOW_MS)
    expect((await tokenLogin(app, '203.0.113.3', ADMIN_TOKEN)).status).toBe(303)
  })

  test('two replicas on one database share the count', async () => {
    const first = await createDashboardApp(month.db)
    const second = await createDashboardApp(month.db)
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      const replica = i % 2 === 0 ? first : second
      expect((await tokenLogin(replica, '192.0.2.44', 'tebakan-salah')).status).toBe(401)
    }
    expect((await tokenLogin(first, '192.0.2.44', ADMIN_TOKEN)).status).toBe(429)
    expect((await tokenLogin(second, '192.0.2.44', ADMIN_TOKEN)).status).toBe(429)
  })

  test('forty guesses sent at once: ten are compared, thirty refused (counted before comparing)', async () => {
    const app = await createDashboardApp(month.db)
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => tokenLogin(app, '198.51.100.66', `tebakan-${i}`))
    ).then((responses) => responses.map((response) => response.status))
    expect(statuses.filter((status) => status === 401)).toHaveLength(MAX_FAILURES_PER_ADDRESS)
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - MAX_FAILURES_PER_ADDRESS)
  })

  test('a good login does not count against its address', async () => {
    const app = await createDashboardApp(month.db)
    for (let i = 0; i < 3 * MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await tokenLogin(app, '198.51.100.77', ADMIN_TOKEN)).status).toBe(303)
    }
    await guessUpToTheLimit((guess) => tokenLogin(app, '198.51.100.77', guess))
    expect((await tokenLogin(app, '198.51.100.77', ADMIN_TOKEN)).status).toBe(429)
  })

  test('IPv6 clients are counted by their /64; IPv4-mapped IPv6 is the IPv4 address', async () => {
    const app = await createDashboardApp(month.db)
    // A phone can use any address of its /64: a fresh one for every guess does not help.
    await guessUpToTheLimit((guess, i) =>
      tokenLogin(app, `2001:db8:aa:bb:${(i + 1).toString(16)}::${i + 7}`, guess)
    )
    expect((await tokenLogin(app, '2001:db8:aa:bb:ffff::1', ADMIN_TOKEN)).status).toBe(429)
    // The neighbouring /64 is someone else.
    expect((await tokenLogin(app, '2001:db8:aa:bc::1', ADMIN_TOKEN)).status).toBe(303)

    await guessUpToTheLimit((guess) => tokenLogin(app, '::ffff:192.0.2.90', guess))
    expect((await tokenLogin(app, '192.0.2.90', ADMIN_TOKEN)).status).toBe(429)
  })

  test('a client talking directly cannot dodge the limit with X-Forwarded-For', async () => {
    const app = await createDashboardApp(month.db)
    // The connection's peer is a public address: the header it sends is not believed.
    const direct = (forwarded: string, token: string) =>
      tokenLoginFromPeer(app, '198.51.100.99', forwarded, token)
    await guessUpToTheLimit((guess, i) => direct(`10.0.0.${i}`, guess))
    expect((await direct('10.0.0.250', ADMIN_TOKEN)).status).toBe(429)
  })

  test('a private-network peer not in TRUSTED_PROXIES is not believed either', async () => {
    const app = await createDashboardApp(month.db)
    const neighbour = (forwarded: string, token: string) =>
      tokenLoginFromPeer(app, '10.1.2.3', forwarded, token)
    await guessUpToTheLimit((guess, i) => neighbour(`198.51.100.${i}`, guess))
    expect((await neighbour('198.51.100.250', ADMIN_TOKEN)).status).toBe(429)
  })

  test('behind a proxy listed in TRUSTED_PROXIES the address it appended is used', async () => {
    const app = await createDashboardApp(month.db, { trustedProxies: ['fd12:3456:789a::/48'] })
    const viaProxy = (forwarded: string, token: string) =>
      tokenLoginFromPeer(app, 'fd12:3456:789a::10', forwarded, token)
    // The client cannot pick its address by sending its own header: the proxy's entry counts.
    await guessUpToTheLimit((guess, i) => viaProxy(`10.9.9.${i}, 198.51.100.120`, guess))
    expect((await viaProxy('198.51.100.120', ADMIN_TOKEN)).status).toBe(429)
    expect((await viaProxy('198.51.100.121', ADMIN_TOKEN)).status).toBe(303)
  })
})

describe('one-time links', () => {
  test('ten bad links from one address block links from it; a good link elsewhere works', async () => {
    const app = await createDashboardApp(month.db)
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      const made = await linkLogin(app, '198.51.100.20', `tautan-karangan-${i}`)
      expect(made.status).toBe(401)
    }
    const { token } = await createLoginToken(month.db, { personId: month.seed.supSgs, now: NOW })
    const blocked = await linkLogin(app, '198.51.100.20', token)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    // Blocked before the link was looked at: it was not spent, and works from another address.
    expect((await linkLogin(app, '198.51.100.21', token)).status).toBe(303)
  })

  test('a person who lost access is refused, but that is not counted as a guess', async () => {
    const app = await createDashboardApp(month.db)
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS + 2; i++) {
      const { token } = await createLoginToken(month.db, { personId: month.seed.siti, now: NOW })
      expect((await linkLogin(app, '198.51.100.30', token)).status).toBe(403)
    }
    const { token } = await createLoginToken(month.db, { personId: month.seed.supSgs, now: NOW })
    expect((await linkLogin(app, '198.51.100.30', token)).status).toBe(303)
  })
})

describe('MASUK in chat', () => {
  test('five links per person per window; then a friendly wait, then links again', async () => {
    await giveConsent(month.db, ['sim-admin', 'sim-sup'])
    const runtime = await createRuntimeForTest(month.db, {
      adminBaseUrl: () => 'https://kaderbot.example.id',
    })
    const ask = async (from: string, at: Date) =>
      (await runtime.handleInbound(simulatorMessage(from, 'masuk'), at)).replies
        .map((reply) => reply.text)
        .join('\n')
    for (let i = 0; i < MAX_LOGIN_LINKS_PER_PERSON; i++) {
      const at = new Date(NOW.getTime() + i * 60_000)
      expect(await ask('sim-admin', at)).toContain('https://kaderbot.example.id/admin/login/')
    }
    // The first link was made at NOW; its window ends 15 minutes later, 10 minutes from here.
    const refused = await ask('sim-admin', new Date(NOW.getTime() + 5 * 60_000))
    expect(refused).not.toContain('/admin/login/')
    expect(refused).toContain('coba lagi dalam 10 menit')
    // Another person is not affected.
    expect(await ask('sim-sup', new Date(NOW.getTime() + 5 * 60_000))).toContain('/admin/login/')
    // When the first link leaves the window, one more may be asked for.
    expect(await ask('sim-admin', new Date(NOW.getTime() + LOGIN_WINDOW_MS + 1000))).toContain(
      '/admin/login/'
    )
  })
})
