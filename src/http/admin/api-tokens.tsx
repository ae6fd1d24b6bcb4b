/**
 * Token API: the bearer tokens other agencies' systems use on `/api/v1`. An admin
 * lists them (label, prefix, scopes, region, created, last used, status), issues one (label,
 * scopes, the kabupaten or one kecamatan, an optional last day), which is shown once on the
 * answer page and never again, and revokes one. Every issue and revocation is audit-logged.
 *
 * Kabupaten admins only, supervisors get 403: a token outlives the session and the role of
 * whoever issued it (a supervisor moved to another kecamatan would leave a token reading the old
 * one), so issuing them stays with the admins, who can still limit a token to a kecamatan.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import type { Hono } from 'hono'
import { z } from 'zod'
import {
  type ApiTokenRow,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from '../../db/queries/api-tokens.js'
import { recordAudit } from '../../db/queries/audit.js'
import { API_SCOPES, tokenState } from '../../domain/api-tokens.js'
import { KABUPATEN_CODE } from '../../domain/people.js'
import { type RegionDirectory, regionName } from '../../domain/regions.js'
import { formatDateTime } from '../../i18n/format.js'
import type { AdminContext, AdminDeps, AdminEnv, AdminText, Viewer } from './context.js'
import { CsrfField, type LayoutProps } from './layout.js'
import { DataTable } from './controls.js'
import { idSchema } from './view-helpers.js'

/** The issue form as posted; blank fields dropped before parsing. */
const issueSchema = z.object({
  nama: z.string().trim().min(1).max(120),
  cakupan: z.array(z.enum(API_SCOPES)).min(1),
  wilayah: z.string().regex(/^35\.07(\.[0-9]{2})?$/),
  kedaluwarsa: z
    .string()
    .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/)
    .optional(),
})
type IssueForm = z.infer<typeof issueSchema>

/** What the form shows again after a refusal. */
type FormValues = { nama: string; cakupan: string[]; wilayah: string; kedaluwarsa: string }

const EMPTY_FORM: FormValues = { nama: '', cakupan: [], wilayah: KABUPATEN_CODE, kedaluwarsa: '' }

function formValues(body: Record<string, string | File | (string | File)[]>): FormValues {
  const list = (key: string) =>
    [body[key]].flat().filter((value): value is string => typeof value === 'string')
  return {
    nama: list('nama')[0] ?? '',
    cakupan: list('cakupan'),
    wilayah: list('wilayah')[0] ?? KABUPATEN_CODE,
    kedaluwarsa: list('kedaluwarsa')[0] ?? '',
  }
}

/** The first instant after the chosen last day, in the zone: the token works through that day. */
function endOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(new TZDate(y, m - 1, d + 1, 0, 0, timeZone).getTime())
}

export type ApiTokenPageProps = {
  t: AdminText
  viewer: Viewer
  tokens: ApiTokenRow[]
  regions: { code: string; name: string }[]
  regionLabel: (code: string) => string
  now: Date
  timeZone: string
  form: FormValues
  error?: string
  /** The token just issued: shown this once. */
  issued?: { token: string; label: string }
}

export function ApiTokenPage(props: ApiTokenPageProps) {
  const { t, form } = props
  const when = (at: Date | null) => (at === null ? '–' : formatDateTime(at, props.timeZone))
  return (
    <>
      {props.issued && (
        <section class="card" aria-labelledby="issued-title" id="issued">
          <h2 id="issued-title">{t('apiTokens.issuedTitle', { label: props.issued.label })}</h2>
          <p>
            <code id="issued-token" class="secret">
              {props.issued.token}
            </code>
          </p>
          <p class="muted">{t('apiTokens.issuedHint')}</p>
        </section>
      )}
      <p class="muted">{t('apiTokens.intro')}</p>
      {props.tokens.length === 0 ? (
        <p class="muted">{t('apiTokens.none')}</p>
      ) : (
        <DataTable
          columns={[
            t('apiTokens.label'),
            t('apiTokens.prefix'),
            t('apiTokens.scopes'),
            t('apiTokens.region'),
            t('apiTokens.created'),
            t('apiTokens.lastUsed'),
            t('apiTokens.status'),
            { label: t('apiTokens.revoke'), action: true },
          ]}
        >
          {props.tokens.map((token) => {
            const state = tokenState(token, props.now)
            return (
              <tr id={`token-${token.id}`}>
                <td>{token.label}</td>
                <td>
                  <code>{`${token.tokenPrefix}…`}</code>
                </td>
                <td>{token.scopes.join(', ')}</td>
                <td>{props.regionLabel(token.regionCode)}</td>
                <td>{when(token.createdAt)}</td>
                <td>{when(token.lastUsedAt)}</td>
                <td>
                  {t(`apiTokens.states.${state}`)}
                  {state === 'active' && token.expiresAt !== null && (
                    <>
                      <br />
                      <span class="muted">
                        {t('apiTokens.until', { at: when(token.expiresAt) })}
                      </span>
                    </>
                  )}
                </td>
                <td>
                  {token.revokedAt === null && (
                    <form method="post" action={`/admin/token/${token.id}/cabut`}>
                      <CsrfField viewer={props.viewer} />
                      <button type="submit" class="secondary">
                        {t('apiTokens.revoke')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            )
          })}
        </DataTable>
      )}
      <h2>{t('apiTokens.newTitle')}</h2>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/admin/token" class="compose">
        <CsrfField viewer={props.viewer} />
        <label class="block">
          {t('apiTokens.label')}
          <input
            type="text"
            name="nama"
            value={form.nama}
            maxlength={120}
            required
            placeholder={t('apiTokens.labelHint')}
          />
        </label>
        <fieldset>
          <legend>{t('apiTokens.scopes')}</legend>
          {API_SCOPES.map((scope) => (
            <label class="check">
              <input
                type="checkbox"
                name="cakupan"
                value={scope}
                checked={form.cakupan.includes(scope)}
              />
              {`${t(`apiTokens.scopeNames.${scope.replace(':', '_')}`)} (${scope})`}
            </label>
          ))}
        </fieldset>
        <div class="filters">
          <label>
            {t('apiTokens.region')}
            <select name="wilayah">
              {props.regions.map((region) => (
                <option value={region.code} selected={region.code === form.wilayah}>
                  {region.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('apiTokens.expires')}
            <input type="date" name="kedaluwarsa" value={form.kedaluwarsa} />
          </label>
        </div>
        <p class="muted">{t('apiTokens.expiresHint')}</p>
        <div class="actions">
          <button type="submit">{t('apiTokens.create')}</button>
        </div>
      </form>
    </>
  )
}

export type ApiTokenRouteHelpers = {
  t: AdminText
  now: () => Date
  regions: () => Promise<RegionDirectory>
  page: (
    c: AdminContext,
    props: Omit<LayoutProps, 't' | 'viewer' | 'scopeName'>,
    status?: 200 | 400 | 403 | 404
  ) => Promise<Response>
}

/** Adds `/token` (list and issue) and `/token/:id/cabut` (revoke) to the dashboard app. */
export function registerApiTokenPages(
  app: Hono<AdminEnv>,
  deps: AdminDeps,
  helpers: ApiTokenRouteHelpers
): void {
  const { t } = helpers

  function forbidden(c: AdminContext) {
    return helpers.page(
      c,
      { title: t('errors.forbidden'), children: <p>{t('errors.forbidden')}</p> },
      403
    )
  }

  async function render(
    c: AdminContext,
    extra: {
      form?: FormValues
      error?: string
      notice?: string
      issued?: ApiTokenPageProps['issued']
    },
    status: 200 | 400 = 200
  ) {
    const directory = await helpers.regions()
    const regionLabel = (code: string) =>
      code === KABUPATEN_CODE ? t('viewer.scopeAll') : (regionName(directory, code) ?? code)
    // The page may carry a token shown once: never kept by a cache or the back button.
    c.header('cache-control', 'no-store')
    return helpers.page(
      c,
      {
        title: t('apiTokens.title'),
        current: 'token',
        notice: extra.notice,
        children: (
          <ApiTokenPage
            t={t}
            viewer={c.get('viewer')}
            tokens={await listApiTokens(deps.db)}
            regions={[
              { code: KABUPATEN_CODE, name: t('viewer.scopeAll') },
              ...directory.kecamatan.map((k) => ({ code: k.code, name: k.name })),
            ]}
            regionLabel={regionLabel}
            now={helpers.now()}
            timeZone={deps.timeZone}
            form={extra.form ?? EMPTY_FORM}
            error={extra.error}
            issued={extra.issued}
          />
        ),
      },
      status
    )
  }

  app.get('/token', async (c) => {
    if (!c.get('viewer').isAdmin) return forbidden(c)
    const outcome = c.req.query('hasil')
    const notices: Record<string, string> = {
      dicabut: t('apiTokens.revoked'),
      'tidak-ada': t('apiTokens.alreadyRevoked'),
    }
    return render(c, { notice: outcome ? notices[outcome] : undefined })
  })

  app.post('/token', async (c) => {
    const viewer = c.get('viewer')
    if (!viewer.isAdmin) return forbidden(c)
    const values = formValues(await c.req.parseBody({ all: true }))
    const parsed = issueSchema.safeParse({
      nama: values.nama,
      cakupan: values.cakupan,
      wilayah: values.wilayah,
      ...(values.kedaluwarsa.trim() !== '' ? { kedaluwarsa: values.kedaluwarsa.trim() } : {}),
    })
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? 'nama')
      return render(c, { form: values, error: t(`apiTokens.errors.${field}`) }, 400)
    }
    const form: IssueForm = parsed.data
    const directory = await helpers.regions()
    const knownRegion =
      form.wilayah === KABUPATEN_CODE || directory.kecamatan.some((k) => k.code === form.wilayah)
    if (!knownRegion) return render(c, { form: values, error: t('apiTokens.errors.wilayah') }, 400)
    const now = helpers.now()
    const expiresAt = form.kedaluwarsa ? endOfDay(form.kedaluwarsa, deps.timeZone) : null
    if (expiresAt && expiresAt <= now) {
      return render(c, { form: values, error: t('apiTokens.errors.past') }, 400)
    }
    const { token, row } = await createApiToken(deps.db, {
      label: form.nama,
      scopes: form.cakupan,
      regionCode: form.wilayah,
      createdBy: viewer.personId,
      expiresAt,
      now,
    })
    await recordAudit(deps.db, {
      actor: viewer.actor,
      action: 'api_token_created',
      subject: `api_token:${row.id}`,
      detail: {
        scopes: row.scopes,
        regionCode: row.regionCode,
        expiresAt: row.expiresAt?.toISOString() ?? null,
      },
      at: now,
    })
    return render(c, { issued: { token, label: row.label } })
  })

  app.post('/token/:id/cabut', async (c) => {
    const viewer = c.get('viewer')
    if (!viewer.isAdmin) return forbidden(c)
    const id = idSchema.safeParse(c.req.param('id'))
    const now = helpers.now()
    const revoked = id.success && (await revokeApiToken(deps.db, id.data, now))
    if (!revoked) return c.redirect('/admin/token?hasil=tidak-ada', 303)
    await recordAudit(deps.db, {
      actor: viewer.actor,
      action: 'api_token_revoked',
      subject: `api_token:${id.data}`,
      at: now,
    })
    return c.redirect('/admin/token?hasil=dicabut', 303)
  })
}
