/**
 * Siaran: compose a broadcast with a live count of its segment (the preview is a GET of the same
 * form, no script), send now or schedule, cancel one not finished, and watch progress bars of the
 * recent ones (the page refreshes itself while one is sending). Everything goes through the
 * broadcast service (`src/broadcasts/service.ts`), which checks the author's region
 * (docs/domain.md, decision 4) and writes the audit log.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import type { Hono } from 'hono'
import { z } from 'zod'
import {
  type BroadcastAuthor,
  BroadcastForbiddenError,
  type BroadcastListItem,
  type Segment,
  broadcastTextSchema,
  cancelBroadcast,
  countSegment,
  createBroadcast,
  listBroadcasts,
  renderBroadcastText,
  segmentSchema,
} from '../../broadcasts/service.js'
import { SEGMENT_CONDITIONS } from '../../domain/broadcasts.js'
import { formatDateTime, formatNumber } from '../../i18n/format.js'
import type { AdminContext, AdminDeps, AdminEnv, AdminText, Viewer } from './context.js'
import { DataTable, FilterSelect, KecamatanSelect } from './controls.js'
import { CsrfField, type LayoutProps } from './layout.js'
import { idSchema, kecamatanChoices, narrowScope, regionCodeSchema } from './view-helpers.js'
import type { RegionDirectory } from '../../domain/regions.js'

/** The roles a dashboard broadcast may address. */
const AUDIENCE_ROLES = ['kader', 'peserta', 'mentor', 'supervisor'] as const

/** How many recent broadcasts the page shows. */
const RECENT = 20

/** The compose form as sent (GET preview or POST send). */
const composeSchema = z.object({
  peran: z.array(z.enum(AUDIENCE_ROLES)).default([]),
  kecamatan: regionCodeSchema.optional(),
  desa: regionCodeSchema.optional(),
  kelompok: z.string().trim().max(40).optional(),
  kondisi: z.enum(SEGMENT_CONDITIONS).optional(),
  teks: z.string().max(4000).default(''),
  waktu: z
    .string()
    .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$/)
    .optional(),
})
type Compose = z.infer<typeof composeSchema>

/** Reads the form from a query or a parsed body, blank fields dropped. */
function readCompose(values: Record<string, string | string[] | undefined>): Compose | undefined {
  const cleaned: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(values)) {
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value]
    if (key === 'peran') cleaned[key] = list
    else if (typeof list[0] === 'string' && list[0].trim() !== '') cleaned[key] = list[0]
  }
  const parsed = composeSchema.safeParse(cleaned)
  return parsed.success ? parsed.data : undefined
}

/** The author the broadcast service knows: the person, or the API actor for the token admin. */
function authorOf(viewer: Viewer): BroadcastAuthor {
  return viewer.personId === null ? { source: 'api' } : { personId: viewer.personId }
}

/** `2025-11-28T07:00` in the zone → the instant. */
function localInstant(value: string, timeZone: string): Date {
  const [date, time] = value.split('T') as [string, string]
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const [hh, mm] = time.split(':').map(Number) as [number, number]
  return new Date(new TZDate(y, m - 1, d, hh, mm, timeZone).getTime())
}

type Resolved = { segment: Segment } | { error: 'region' | 'segment' }

/** The segment of a compose form, within the viewer's scope. */
function segmentOf(viewer: Viewer, form: Compose): Resolved {
  const picked = form.desa ?? form.kecamatan
  const region = narrowScope(viewer.scope.regionPrefix, picked)
  if (region === undefined) return { error: 'region' }
  const segment = segmentSchema.safeParse({
    ...(form.peran.length > 0 ? { roles: form.peran } : {}),
    ...(region !== '35.07' ? { region } : {}),
    ...(form.kelompok ? { cohort: form.kelompok } : {}),
    ...(form.kondisi ? { condition: form.kondisi } : {}),
  })
  return segment.success ? { segment: segment.data } : { error: 'segment' }
}

export type BroadcastPageProps = {
  t: AdminText
  viewer: Viewer
  form: Compose
  kecamatan: { code: string; name: string }[]
  preview?: { count: number; message: string }
  error?: string
  items: BroadcastListItem[]
  timeZone: string
}

export function BroadcastPage(props: BroadcastPageProps) {
  const { t, form, viewer } = props
  return (
    <>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/admin/siaran" class="compose">
        <CsrfField viewer={viewer} />
        <fieldset>
          <legend>{t('broadcasts.audience')}</legend>
          {AUDIENCE_ROLES.map((role) => (
            <label class="check">
              <input
                type="checkbox"
                name="peran"
                value={role}
                checked={form.peran.includes(role)}
              />
              {t(`people.role.${role}`)}
            </label>
          ))}
        </fieldset>
        <div class="filters">
          <KecamatanSelect t={t} kecamatan={props.kecamatan} selected={form.kecamatan} />
          <label>
            {t('broadcasts.cohort')}
            <input type="text" name="kelompok" value={form.kelompok ?? ''} maxlength={40} />
          </label>
          <FilterSelect
            t={t}
            label={t('broadcasts.condition')}
            name="kondisi"
            choices={SEGMENT_CONDITIONS.map((c) => ({
              value: c,
              label: t(`broadcasts.conditions.${c}`),
            }))}
            selected={form.kondisi}
          />
          <label>
            {t('broadcasts.at')}
            <input type="datetime-local" name="waktu" value={form.waktu ?? ''} />
          </label>
        </div>
        <label class="block">
          {t('broadcasts.text')}
          <textarea name="teks" rows={5} maxlength={3500} required>
            {form.teks}
          </textarea>
        </label>
        <p class="muted">{t('broadcasts.textHint')}</p>
        <div class="actions">
          <button type="submit" formmethod="get" class="secondary">
            {t('broadcasts.preview')}
          </button>
          <button type="submit">{t('broadcasts.send')}</button>
        </div>
      </form>
      {props.preview && (
        <section class="card" aria-labelledby="preview-title" id="preview">
          <h2 id="preview-title">{t('broadcasts.previewTitle')}</h2>
          <p class="value">{t('broadcasts.count', { count: formatNumber(props.preview.count) })}</p>
          <pre class="message">{props.preview.message}</pre>
        </section>
      )}
      <h2>{t('broadcasts.recent')}</h2>
      {props.items.length === 0 ? (
        <p class="muted">{t('broadcasts.none')}</p>
      ) : (
        <DataTable
          columns={[
            t('broadcasts.when'),
            t('broadcasts.text'),
            t('broadcasts.status'),
            t('broadcasts.progress'),
            { label: t('broadcasts.cancel'), action: true },
          ]}
        >
          {props.items.map((item) => {
            const settled = item.sent + item.failed + item.skipped
            const label = t('broadcasts.progressText', {
              settled: formatNumber(settled),
              recipients: formatNumber(item.recipients),
              sent: formatNumber(item.sent),
              failed: formatNumber(item.failed),
              skipped: formatNumber(item.skipped),
            })
            return (
              <tr id={`broadcast-${item.id}`}>
                <td>{formatDateTime(item.at, props.timeZone)}</td>
                <td>{item.text.length > 120 ? `${item.text.slice(0, 120)}…` : item.text}</td>
                <td>{t(`broadcasts.statuses.${item.status}`)}</td>
                <td>
                  <progress value={settled} max={Math.max(item.recipients, 1)} aria-label={label}>
                    {label}
                  </progress>
                  <br />
                  <span class="muted">{label}</span>
                </td>
                <td>
                  {(item.status === 'scheduled' || item.status === 'sending') && (
                    <form method="post" action={`/admin/siaran/${item.id}/batal`}>
                      <CsrfField viewer={viewer} />
                      <button type="submit" class="secondary">
                        {t('broadcasts.cancel')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            )
          })}
        </DataTable>
      )}
    </>
  )
}

export type BroadcastRouteHelpers = {
  t: AdminText
  now: () => Date
  regions: () => Promise<RegionDirectory>
  page: (
    c: AdminContext,
    props: Omit<LayoutProps, 't' | 'viewer' | 'scopeName'>,
    status?: 200 | 400 | 403 | 404
  ) => Promise<Response>
}

/** The recent broadcasts the viewer may see: all for admins, their own for supervisors. */
async function recentBroadcasts(deps: AdminDeps, viewer: Viewer): Promise<BroadcastListItem[]> {
  const all: BroadcastListItem[] = []
  let afterId: number | undefined
  for (;;) {
    const page = await listBroadcasts(deps.db, { limit: 200, afterId })
    all.push(...page.data)
    if (page.next === null) break
    afterId = page.next
  }
  const visible = viewer.isAdmin
    ? all
    : all.filter((item) => 'personId' in item.author && item.author.personId === viewer.personId)
  return visible.slice(-RECENT).reverse()
}

/** Adds `/siaran` to the dashboard app. */
export function registerBroadcastPages(
  app: Hono<AdminEnv>,
  deps: AdminDeps,
  helpers: BroadcastRouteHelpers
): void {
  const { t } = helpers

  async function render(
    c: AdminContext,
    form: Compose,
    extra: { preview?: BroadcastPageProps['preview']; error?: string; notice?: string } = {},
    status: 200 | 400 | 403 = 200
  ) {
    const viewer = c.get('viewer')
    const items = await recentBroadcasts(deps, viewer)
    // A broadcast sent "now" stays scheduled until the next fires tick: refresh for it too.
    const now = helpers.now()
    const sending = items.some(
      (item) => item.status === 'sending' || (item.status === 'scheduled' && item.at <= now)
    )
    return helpers.page(
      c,
      {
        title: t('broadcasts.title'),
        current: 'siaran',
        notice: extra.notice,
        refresh: sending ? 10 : undefined,
        // After sending, the browser sits on `…#broadcast-<id>`: reload the URL without it.
        refreshUrl: `${c.req.path}${new URL(c.req.url).search}`,
        children: (
          <BroadcastPage
            t={t}
            viewer={viewer}
            form={form}
            kecamatan={kecamatanChoices(await helpers.regions(), viewer.scope.regionPrefix)}
            preview={extra.preview}
            error={extra.error}
            items={items}
            timeZone={deps.timeZone}
          />
        ),
      },
      status
    )
  }

  app.get('/siaran', async (c) => {
    const viewer = c.get('viewer')
    const form = readCompose(c.req.queries() as Record<string, string[]>) ?? composeSchema.parse({})
    const previewing = c.req.query('teks') !== undefined || c.req.query('peran') !== undefined
    const notice = c.req.query('hasil')
    const notices: Record<string, string> = {
      terkirim: t('broadcasts.queued'),
      terjadwal: t('broadcasts.scheduled'),
      dibatalkan: t('broadcasts.cancelled'),
      terlambat: t('broadcasts.tooLate'),
      'tidak-ada': t('errors.notFound'),
    }
    if (!previewing) return render(c, form, { notice: notice ? notices[notice] : undefined })
    const resolved = segmentOf(viewer, form)
    if ('error' in resolved)
      return render(c, form, { error: t(`broadcasts.errors.${resolved.error}`) })
    const count = await countSegment(deps.db, resolved.segment, {
      ...(viewer.isAdmin ? {} : { scope: viewer.scope }),
      now: helpers.now(),
      timeZone: deps.timeZone,
    })
    const message = renderBroadcastText(deps.i18n, form.teks, viewer.name ?? t('viewer.token'))
    return render(c, form, { preview: { count, message } })
  })

  app.post('/siaran', async (c) => {
    const viewer = c.get('viewer')
    const body = await c.req.parseBody({ all: true })
    const form = readCompose(body as Record<string, string | string[]>)
    if (!form)
      return render(c, composeSchema.parse({}), { error: t('broadcasts.errors.form') }, 400)
    const resolved = segmentOf(viewer, form)
    if ('error' in resolved) {
      return render(c, form, { error: t(`broadcasts.errors.${resolved.error}`) }, 400)
    }
    if (!broadcastTextSchema.safeParse(form.teks).success) {
      return render(c, form, { error: t('broadcasts.errors.text') }, 400)
    }
    const now = helpers.now()
    const at = form.waktu ? localInstant(form.waktu, deps.timeZone) : undefined
    if (at && at <= now) return render(c, form, { error: t('broadcasts.errors.past') }, 400)
    try {
      // A broadcast for now fans out in this transaction: it starts at once.
      const created = await deps.db.transaction((tx) =>
        createBroadcast(tx, {
          author: authorOf(viewer),
          segment: resolved.segment,
          text: form.teks,
          ...(at ? { at } : {}),
          now,
          timeZone: deps.timeZone,
          fanOut: { i18n: deps.i18n, timeZone: deps.timeZone },
        })
      )
      if (created.status === 'sending') deps.onQueued?.()
      return c.redirect(
        `/admin/siaran?hasil=${at ? 'terjadwal' : 'terkirim'}#broadcast-${created.id}`,
        303
      )
    } catch (error) {
      if (error instanceof BroadcastForbiddenError) {
        return render(c, form, { error: t('broadcasts.errors.region') }, 403)
      }
      throw error
    }
  })

  app.post('/siaran/:id/batal', async (c) => {
    const viewer = c.get('viewer')
    const id = idSchema.safeParse(c.req.param('id'))
    if (!id.success) return c.redirect('/admin/siaran', 303)
    const result = await deps.db.transaction((tx) =>
      cancelBroadcast(tx, id.data, authorOf(viewer), helpers.now())
    )
    const outcome =
      result === 'cancelled' ? 'dibatalkan' : result === 'too_late' ? 'terlambat' : 'tidak-ada'
    return c.redirect(`/admin/siaran?hasil=${outcome}`, 303)
  })
}
