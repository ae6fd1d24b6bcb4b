/**
 * The web simulator (`GET /simulator`): a messenger-like page for trying the bot in a browser, on
 * a laptop or a phone, over the simulator API. Server-rendered HTML plus a small vanilla script
 * and stylesheet served beside it (`/simulator/app.js`, `/simulator/chat-state.js`,
 * `/simulator/app.css`), so the Content-Security-Policy allows only this origin's files: no inline
 * script or style, no build step, no CDN. Mounted only while the simulator channel is on. Without
 * `ADMIN_TOKEN` the page, like the API, answers only this machine; with it the page (which holds
 * nothing) shows a field for the token once the server answered 401, and every call sends it.
 * @module
 */
import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import { html } from 'hono/html'
import { secureHeaders } from 'hono/secure-headers'
import { SAME_ORIGIN_CSP } from '../headers.js'
import { type SimulatorRouteDeps, simulatorAccess } from './simulator.js'

export type SimulatorPageDeps = Pick<SimulatorRouteDeps, 'requiredToken'>

/** The example people of `examples/people.csv`, offered as phones to play (reserved numbers). */
export const EXAMPLE_PHONES = [
  { phone: '+6281200000001', who: 'Dewi Kartikasari, admin' },
  { phone: '+6281200000002', who: 'Bambang Supriyadi, pengawas' },
  { phone: '+6281200000003', who: 'Sri Wahyuni, mentor' },
  { phone: '+6281200000004', who: 'Siti Rahayu, kader' },
  { phone: '+6281200000005', who: 'Nur Aini, peserta' },
  { phone: '+6281200000006', who: 'Endang Susilowati, mentor dan kader' },
] as const

/** Only this origin's files; the page talks to this origin's API and nothing else. */
export const SIMULATOR_PAGE_CSP = SAME_ORIGIN_CSP

type Asset = { body: string; type: string }

const ASSET_DIR = new URL('../simulator-page/', import.meta.url)

function loadAsset(name: string, type: string): Asset {
  return { body: readFileSync(new URL(name, ASSET_DIR), 'utf8'), type }
}

export function simulatorPageRoutes(deps: SimulatorPageDeps): Hono {
  const requiresToken = deps.requiredToken !== undefined
  const assets: Record<string, Asset> = {
    'app.js': loadAsset('app.js', 'text/javascript; charset=utf-8'),
    'chat-state.js': loadAsset('chat-state.js', 'text/javascript; charset=utf-8'),
    'app.css': loadAsset('app.css', 'text/css; charset=utf-8'),
  }
  const page = renderPage()

  const app = new Hono()
  app.use(secureHeaders({ contentSecurityPolicy: SIMULATOR_PAGE_CSP }))
  if (!requiresToken) app.use(simulatorAccess(undefined))
  app.get('/', (c) => {
    c.header('cache-control', 'no-store')
    return c.html(page)
  })
  for (const [name, asset] of Object.entries(assets)) {
    app.get(`/${name}`, (c) =>
      c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' })
    )
  }
  return app
}

/** The page's markup; every interpolated value is escaped by `html`. */
function renderPage() {
  return html`<!doctype html>
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>Simulator kaderbot</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/simulator/app.css" />
        <script type="module" src="/simulator/app.js"></script>
      </head>
      <body>
        <div class="app">
          <header class="top">
            <h1>Simulator kaderbot</h1>
            <details id="settings" open>
              <summary>Pengaturan <span id="who"></span></summary>
              <form id="settings-form" class="settings" novalidate>
                <label for="from">ID pengirim</label>
                <input
                  id="from"
                  name="from"
                  required
                  maxlength="64"
                  autocomplete="off"
                  autocapitalize="off"
                  spellcheck="false"
                  aria-describedby="from-hint"
                />
                <p id="from-hint" class="hint">
                  Satu ID adalah satu orang. Ganti ID untuk memulai percakapan sebagai orang lain.
                </p>
                <label for="phone">Nomor telepon (opsional)</label>
                <input
                  id="phone"
                  name="phone"
                  type="tel"
                  inputmode="tel"
                  list="example-phones"
                  autocomplete="off"
                  aria-describedby="phone-hint"
                />
                <datalist id="example-phones">
                  ${EXAMPLE_PHONES.map(
                    ({ phone, who }) => html`<option value="${phone}">${who}</option>`
                  )}
                </datalist>
                <p id="phone-hint" class="hint">
                  Seolah dibagikan aplikasi chat. Nomor contoh dari examples/people.csv, misalnya
                  +6281200000004 (kader).
                </p>
                <div id="token-row" class="settings" hidden>
                  <label for="token">Token admin</label>
                  <input
                    id="token"
                    name="token"
                    type="password"
                    autocomplete="off"
                    aria-describedby="token-hint"
                  />
                  <p id="token-hint" class="hint">
                    Diperlukan bila kanal sungguhan aktif. Hanya disimpan di tab ini.
                  </p>
                </div>
                <div class="actions">
                  <button type="submit">Simpan</button>
                  <button type="button" id="new-id">Orang baru</button>
                </div>
              </form>
            </details>
          </header>
          <main>
            <ol
              id="messages"
              class="messages"
              role="log"
              aria-live="polite"
              aria-label="Percakapan"
            ></ol>
            <noscript><p>Simulator ini membutuhkan JavaScript.</p></noscript>
          </main>
          <footer>
            <p id="status" class="status" role="status"></p>
            <form id="composer" class="composer">
              <button type="button" id="location" class="tool">
                <span aria-hidden="true">📎</span><span class="label">Lokasi</span>
              </button>
              <input id="photo" type="file" accept="image/*" class="visually-hidden" />
              <label for="photo" class="button tool">
                <span aria-hidden="true">📷</span><span class="label">Foto</span>
              </label>
              <label for="text" class="visually-hidden">Pesan</label>
              <input
                id="text"
                name="text"
                type="text"
                autocomplete="off"
                enterkeyhint="send"
                placeholder="Tulis pesan…"
              />
              <button type="submit">Kirim</button>
            </form>
          </footer>
        </div>
      </body>
    </html>`
}
