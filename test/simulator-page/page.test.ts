/**
 * The web simulator page (`GET /simulator`) through `app.request()`: served while the simulator
 * is on and absent when it is off, with its script and stylesheet from this origin under a strict
 * Content-Security-Policy, labelled fields, and every element the script uses present.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { createApp } from '../../src/http/app.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { LOOPBACK } from '../harness/http.js'
import { createTestRuntime, silentLogger } from '../harness/runtime.js'

let handle: TestDbHandle
let dataDir: string
beforeEach(async () => {
  handle = await createTestDb()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-page-'))
})
afterEach(async () => {
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

async function buildApp(simulator: 'on' | 'guarded' | 'off') {
  const { runtime } = await createTestRuntime(handle.db)
  const app = createApp({
    logger: silentLogger,
    databaseKind: handle.kind,
    pingDatabase: async () => undefined,
    simulator:
      simulator === 'off'
        ? undefined
        : {
            handleInbound: runtime.handleInbound,
            listInbox: (params) => listSimulatorInbox(handle.db, params),
            media: createMediaStore(dataDir),
            ...(simulator === 'guarded' ? { requiredToken: 'a-very-long-admin-token' } : {}),
          },
  })
  // From this machine: without ADMIN_TOKEN the simulator answers nothing else.
  return { request: (path: string, init?: RequestInit) => app.request(path, init, LOOPBACK) }
}

describe('GET /simulator', () => {
  test('is an Indonesian HTML page with labelled fields and the script from this origin', async () => {
    const app = await buildApp('on')
    const response = await app.request('/simulator')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await response.text()
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain('<html lang="id">')
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />')
    expect(page).toContain('<script type="module" src="/simulator/app.js"></script>')
    expect(page).toContain('<link rel="stylesheet" href="/simulator/app.css" />')
    for (const [id, label] of [
      ['from', 'ID pengirim'],
      ['phone', 'Nomor telepon (opsional)'],
      ['token', 'Token admin'],
      ['text', 'Pesan'],
    ]) {
      const escaped = label!.replace(/[()]/g, '\\$&')
      expect(page).toMatch(new RegExp(`<label for="${id}"[^>]*>${escaped}</label>`))
    }
    expect(page).toContain('<button type="submit">Kirim</button>')
    expect(page).toContain('<option value="+6281200000004">Siti Rahayu, kader</option>')
    expect(page).toMatch(/<ol\s+id="messages"\s+class="messages"\s+role="log"\s+aria-live="polite"/)
  })

  test('every input has a label, and nothing inline needs the CSP relaxed', async () => {
    const page = await (await (await buildApp('on')).request('/simulator')).text()
    const inputIds = [...page.matchAll(/<input\s[^>]*?id="([^"]+)"/g)].map((m) => m[1])
    expect(inputIds).toEqual(['from', 'phone', 'token', 'photo', 'text'])
    for (const id of inputIds) expect(page).toContain(`for="${id}"`)
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(page).not.toMatch(/\sstyle=|<style|\son[a-z]+=/)
  })

  test('has every element the script looks up', async () => {
    const page = await (await (await buildApp('on')).request('/simulator')).text()
    const script = await readFile(
      new URL('../../src/http/simulator-page/app.js', import.meta.url),
      'utf8'
    )
    const ids = [...script.matchAll(/\$\('([^']+)'\)/g)].map((m) => m[1])
    expect(ids.length).toBeGreaterThan(10)
    for (const id of ids) expect(page, `#${id}`).toContain(`id="${id}"`)
  })

  test('sends a Content-Security-Policy that allows only scripts and styles of this origin', async () => {
    const app = await buildApp('on')
    const response = await app.request('/simulator')
    const csp = response.headers.get('content-security-policy') ?? ''
    const directives = Object.fromEntries(
      csp.split(';').map((part) => {
        const [name, ...values] = part.trim().split(/\s+/)
        return [name, values.join(' ')]
      })
    )
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'frame-ancestors': "'none'",
    })
    expect(csp).not.toContain('unsafe-inline')
    // The app's own secure headers still apply.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  })

  test('hides the token field until the API answers 401 (the script shows it), and is itself open', async () => {
    const open = await (await (await buildApp('on')).request('/simulator')).text()
    expect(open).toMatch(/<div id="token-row" class="settings" hidden>/)
    const guardedApp = await buildApp('guarded')
    const guarded = await guardedApp.request('/simulator')
    expect(guarded.status).toBe(200)
    expect(await guarded.text()).toMatch(/<div id="token-row" class="settings" hidden>/)
    expect((await guardedApp.request('/api/v1/simulator/inbox?from=x')).status).toBe(401)
  })

  test('is absent (404) when the simulator is off, with its files', async () => {
    const app = await buildApp('off')
    for (const path of ['/simulator', '/simulator/app.js', '/simulator/app.css']) {
      expect((await app.request(path)).status, path).toBe(404)
    }
  })
})

describe('the page files', () => {
  test.each([
    ['/simulator/app.js', /^text\/javascript; charset=utf-8$/, "from './chat-state.js'"],
    ['/simulator/chat-state.js', /^text\/javascript; charset=utf-8$/, 'export function applyInbox'],
    ['/simulator/app.css', /^text\/css; charset=utf-8$/, 'white-space: pre-wrap'],
  ])('%s is served with its type', async (path, type, content) => {
    const app = await buildApp('on')
    const response = await app.request(path)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(type)
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await response.text()).toContain(content)
  })

  test('the script sets message text with textContent, never as HTML', async () => {
    const app = await buildApp('on')
    for (const path of ['/simulator/app.js', '/simulator/chat-state.js']) {
      const script = await (await app.request(path)).text()
      expect(script, path).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
    }
  })

  test('an unknown file under /simulator is a 404', async () => {
    const app = await buildApp('on')
    expect((await app.request('/simulator/secret.ts')).status).toBe(404)
    expect((await app.request('/simulator/../config.ts')).status).toBe(404)
  })
})
