/**
 * The dashboard pages of the monthly recap (docs/domain.md, "Monthly recap"): Validasi (reports of
 * the viewer's region with filters, waiting ones first, one click valid or back to the cadre with
 * a reason), Cakupan laporan (per desa and cadre for a month, late ones first) and Rekap bulanan
 * (a desa's R/I/PPKBD with every figure's formula and source, the checks, the downloads and the
 * signed state; a kecamatan's table of desa). Every query is limited to the viewer's region.
 * @module
 */
import type { Hono } from 'hono'
import { z } from 'zod'
import { cadreCoverage, deadlineDay, deadlineOf, desaCoverage } from '../../db/queries/coverage.js'
import { listReports } from '../../db/queries/validation.js'
import { recordAudit } from '../../db/queries/audit.js'
import { REPORT_KINDS, REPORT_STATES } from '../../domain/poktan.js'
import { coversRegion } from '../../domain/people.js'
import type { RegionDirectory } from '../../domain/regions.js'
import { formatDateTime, formatShortDate } from '../../i18n/format.js'
import { desaRecap } from '../../recap/figures.js'
import { kecamatanRecap } from '../../recap/kecamatan.js'
import { recapPdf } from '../../recap/pdf.js'
import { type RenderedRecap, printed, renderRecap } from '../../recap/render.js'
import { reviewAndNotify } from '../../recap/review.js'
import { latestSignature, signRecap } from '../../recap/signatures.js'
import { recapXlsx } from '../../recap/xlsx.js'
import type { AdminContext, AdminDeps, AdminEnv, AdminText, Viewer } from './context.js'
import { DataTable, FilterSelect, namedChoices } from './controls.js'
import { CsrfField, type LayoutProps, type PageName } from './layout.js'
import {
  idSchema,
  kecamatanChoices,
  monthName,
  monthOf,
  periodSchema,
  recentMonths,
  regionCodeSchema,
} from './view-helpers.js'

/** The navigation entries of these pages. */
export const RECAP_NAV: { name: PageName; href: string }[] = [
  { name: 'rekap', href: '/admin/rekap' },
  { name: 'validasi', href: '/admin/validasi' },
  { name: 'cakupan', href: '/admin/cakupan' },
]

export type RecapPageHelpers = {
  t: AdminText
  now: () => Date
  regions: () => Promise<RegionDirectory>
  page: (
    c: AdminContext,
    props: Omit<LayoutProps, 't' | 'viewer' | 'scopeName'>,
    status?: 200 | 400 | 403 | 404
  ) => Promise<Response>
}

const filtersSchema = z.object({
  bulan: periodSchema.optional(),
  status: z.enum(REPORT_STATES).optional(),
  jenis: z.enum(REPORT_KINDS).optional(),
  desa: regionCodeSchema.optional(),
  kecamatan: regionCodeSchema.optional(),
})
type Filters = z.infer<typeof filtersSchema>

/** The query's filters, blank and invalid ones dropped (a bad link shows everything). */
function readFilters(query: Record<string, string>): Filters {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(query)) {
    const one = filtersSchema.shape[key as keyof Filters]?.safeParse(value)
    if (one?.success && value !== '') out[key] = value
  }
  return out as Filters
}

const reviewSchema = z.object({
  keputusan: z.enum(['sah', 'kembalikan']),
  alasan: z.string().trim().max(200).optional(),
})

/** The desa of the viewer's region, as choices. */
function desaChoices(directory: RegionDirectory, scope: string) {
  return kecamatanChoices(directory, scope).flatMap((k) =>
    (directory.desaByKecamatan[k.code] ?? []).filter(
      (d) => coversRegion(scope, d.code) || coversRegion(d.code, scope)
    )
  )
}

function MonthSelect(props: { t: AdminText; label: string; now: string; selected: string }) {
  return (
    <label>
      {props.label}
      <select name="bulan">
        {recentMonths(props.now, 12).map((period) => (
          <option value={period} selected={period === props.selected}>
            {monthName(period)}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The recap laid out as on paper, each value with its formula and source beside it. */
export function RecapPreview(props: { recap: RenderedRecap; text: (key: string) => string }) {
  const { recap, text } = props
  return (
    <div class="recap">
      <h2>{recap.title}</h2>
      <p>
        {recap.desa.name}, {recap.kecamatan.name} · {recap.periodLabel} · {recap.templateVersion}
      </p>
      {recap.sections.map((section) => (
        <section>
          <h3>{section.title}</h3>
          <DataTable
            columns={[
              '',
              ...section.columns.map((label) => ({ label, num: true })),
              text('formula'),
              text('source'),
            ]}
          >
            {section.rows.map((row) => {
              const first = row.cells.find((cell) => cell !== null) ?? null
              return (
                <tr>
                  <th scope="row">{row.label}</th>
                  {row.cells.map((cell) => (
                    <td class="num" title={cell?.formula}>
                      {cell === null ? '' : printed(cell.value)}
                    </td>
                  ))}
                  <td class="muted">{first?.formula ?? ''}</td>
                  <td class="muted">{first?.sourceLabel ?? ''}</td>
                </tr>
              )
            })}
          </DataTable>
        </section>
      ))}
      <p>{recap.reports.text}</p>
    </div>
  )
}

/** Adds `/validasi`, `/cakupan` and `/rekap` (with its downloads and signing) to the dashboard. */
export function registerRecapPages(
  app: Hono<AdminEnv>,
  deps: AdminDeps,
  helpers: RecapPageHelpers
): void {
  const r = (key: string, params?: Record<string, string | number>) =>
    deps.i18n.render({ key: `recap:page.${key}`, ...(params ? { params } : {}) })
  const { t } = helpers
  const thisMonth = () => monthOf(helpers.now(), deps.timeZone)

  // --- Validasi ---
  async function validationPage(c: AdminContext, notice?: string, status: 200 | 400 = 200) {
    const viewer = c.get('viewer')
    const filters = readFilters(c.req.query())
    const directory = await helpers.regions()
    const period = filters.bulan ?? thisMonth()
    const items = await listReports(deps.db, {
      regionPrefix: viewer.scope.regionPrefix,
      period,
      ...(filters.status ? { state: filters.status } : {}),
      ...(filters.jenis ? { kind: filters.jenis } : {}),
      ...(filters.desa ? { desaCode: filters.desa } : {}),
    })
    const desaName = (code: string) =>
      desaChoices(directory, viewer.scope.regionPrefix).find((d) => d.code === code)?.name ?? code
    const back = new URL(c.req.url).search
    return helpers.page(
      c,
      {
        title: r('validation.title'),
        current: 'validasi',
        notice,
        children: (
          <>
            <form class="filters" method="get" action="/admin/validasi">
              <MonthSelect
                t={t}
                label={r('validation.month')}
                now={thisMonth()}
                selected={period}
              />
              <FilterSelect
                t={t}
                label={r('validation.state')}
                name="status"
                selected={filters.status}
                choices={REPORT_STATES.map((s) => ({
                  value: s,
                  label: r(`validation.states.${s}`),
                }))}
              />
              <FilterSelect
                t={t}
                label={r('validation.kind')}
                name="jenis"
                selected={filters.jenis}
                choices={REPORT_KINDS.map((k) => ({ value: k, label: r(`validation.kinds.${k}`) }))}
              />
              <FilterSelect
                t={t}
                label={r('validation.desa')}
                name="desa"
                selected={filters.desa}
                choices={namedChoices(desaChoices(directory, viewer.scope.regionPrefix))}
              />
              <button type="submit">{r('validation.filter')}</button>
            </form>
            {items.length === 0 ? (
              <p>{r('validation.none')}</p>
            ) : (
              <DataTable
                columns={[
                  r('validation.state'),
                  r('validation.kind'),
                  r('validation.date'),
                  r('validation.cadre'),
                  r('validation.desa'),
                  r('validation.subject'),
                  { label: r('validation.action'), action: true },
                ]}
              >
                {items.map((item) => (
                  <tr id={`laporan-${item.kind}-${item.id}`}>
                    <td>{r(`validation.states.${item.state}`)}</td>
                    <td>{r(`validation.kinds.${item.kind}`)}</td>
                    <td>{formatShortDate(item.reportDate, deps.timeZone)}</td>
                    <td>{item.cadreName}</td>
                    <td>{desaName(item.desaCode)}</td>
                    <td>
                      {item.kind === 'activity'
                        ? deps.i18n.render({ key: `poktan-activity:kind.${item.subject}` })
                        : item.subject}
                      {item.returnReason && <div class="muted">{item.returnReason}</div>}
                    </td>
                    <td>
                      {(item.state === 'submitted' || item.state === 'returned') && (
                        <form
                          method="post"
                          action={`/admin/validasi/${item.kind}/${item.id}${back}`}
                        >
                          <CsrfField viewer={viewer} />
                          <button type="submit" name="keputusan" value="sah">
                            {r('validation.valid')}
                          </button>
                          {item.state === 'submitted' && (
                            <>
                              <input
                                name="alasan"
                                aria-label={r('validation.reason')}
                                placeholder={r('validation.reasonPlaceholder')}
                                maxlength={200}
                              />
                              <button type="submit" name="keputusan" value="kembalikan">
                                {r('validation.return')}
                              </button>
                            </>
                          )}
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </>
        ),
      },
      status
    )
  }

  app.get('/validasi', (c) => validationPage(c))

  app.post('/validasi/:kind/:id', async (c) => {
    const viewer = c.get('viewer')
    const kind = z.enum(REPORT_KINDS).safeParse(c.req.param('kind'))
    const id = idSchema.safeParse(c.req.param('id'))
    const form = reviewSchema.safeParse(await c.req.parseBody())
    if (!kind.success || !id.success || !form.success) {
      return validationPage(c, r('validation.done.not_found'), 400)
    }
    const returning = form.data.keputusan === 'kembalikan'
    const reason = form.data.alasan ?? ''
    if (returning && reason.length < 3) return validationPage(c, r('validation.done.reason'), 400)
    if (viewer.personId === null) return validationPage(c, r('recap.notPerson'), 400)
    const reviewerId = viewer.personId
    const result = await deps.db.transaction((tx) =>
      reviewAndNotify(tx, deps, {
        kind: kind.data,
        id: id.data,
        decision: returning ? 'returned' : 'valid',
        reason: returning ? reason : null,
        reviewerId,
        regionPrefix: viewer.scope.regionPrefix,
        now: helpers.now(),
        actor: viewer.actor,
      })
    )
    const done = result.status === 'reviewed' ? (returning ? 'returned' : 'valid') : result.status
    return validationPage(c, r(`validation.done.${done}`))
  })

  // --- Cakupan laporan ---
  app.get('/cakupan', async (c) => {
    const viewer = c.get('viewer')
    const filters = readFilters(c.req.query())
    const period = filters.bulan ?? thisMonth()
    const deadline = deadlineOf(period, await deadlineDay(deps.db), deps.timeZone)
    const scope = { period, regionPrefix: viewer.scope.regionPrefix, deadline }
    const [desas, cadres] = await Promise.all([
      desaCoverage(deps.db, scope),
      cadreCoverage(deps.db, scope),
    ])
    const directory = await helpers.regions()
    const desaName = (code: string) =>
      desaChoices(directory, viewer.scope.regionPrefix).find((d) => d.code === code)?.name ?? code
    const percent = (value: number | null) =>
      value === null ? r('coverage.noCadre') : `${value.toLocaleString('id-ID')}%`
    return helpers.page(c, {
      title: r('coverage.title'),
      current: 'cakupan',
      children: (
        <>
          <form class="filters" method="get" action="/admin/cakupan">
            <MonthSelect t={t} label={r('validation.month')} now={thisMonth()} selected={period} />
            <button type="submit">{r('validation.filter')}</button>
          </form>
          <p>
            {r('coverage.deadline', { month: monthName(period), deadline: deadline.toISOString() })}
          </p>
          <p class="muted">{r('coverage.formula')}</p>
          <h2>{r('coverage.desaTable')}</h2>
          <DataTable
            columns={[
              r('coverage.desa'),
              { label: r('coverage.cadres'), num: true },
              { label: r('coverage.onTime'), num: true },
              { label: r('coverage.late'), num: true },
              { label: r('coverage.notYet'), num: true },
              { label: r('coverage.coverage'), num: true },
              { label: r('coverage.timeliness'), num: true },
            ]}
          >
            {desas.map((d) => (
              <tr class={d.late > 0 ? 'late' : undefined}>
                <td>{d.desaName}</td>
                <td class="num">{d.cadres}</td>
                <td class="num">{d.onTime}</td>
                <td class="num">{d.late}</td>
                <td class="num">{d.notYet}</td>
                <td class="num">{percent(d.coverage)}</td>
                <td class="num">{d.timeliness === null ? '-' : percent(d.timeliness)}</td>
              </tr>
            ))}
          </DataTable>
          <h2>{r('coverage.cadreTable')}</h2>
          <DataTable
            columns={[
              r('coverage.cadre'),
              r('coverage.desa'),
              r('coverage.status'),
              r('coverage.firstSent'),
              { label: r('coverage.reports'), num: true },
            ]}
          >
            {cadres.map((cadre) => (
              <tr>
                <td>{cadre.name}</td>
                <td>{desaName(cadre.desaCode)}</td>
                <td>{r(`coverage.statuses.${cadre.status}`)}</td>
                <td>
                  {cadre.firstSentAt ? formatDateTime(cadre.firstSentAt, deps.timeZone) : '-'}
                </td>
                <td class="num">{cadre.reports}</td>
              </tr>
            ))}
          </DataTable>
        </>
      ),
    })
  })

  // --- Rekap bulanan ---
  /** The desa recap the viewer asked for, rendered, or undefined when none was picked. */
  async function readRecap(viewer: Viewer, filters: Filters) {
    if (!filters.desa || !coversRegion(viewer.scope.regionPrefix, filters.desa)) return undefined
    const period = filters.bulan ?? thisMonth()
    const recap = await desaRecap(deps.db, { period, desaCode: filters.desa })
    const signature = await latestSignature(deps.db, recap)
    const rendered = renderRecap(recap, {
      i18n: deps.i18n,
      timeZone: deps.timeZone,
      now: helpers.now(),
      signature:
        signature && !signature.changedSince
          ? { by: signature.signedBy, at: signature.signedAt, version: signature.version }
          : null,
    })
    return { recap, signature, rendered }
  }

  async function recapPage(c: AdminContext, notice?: string) {
    const viewer = c.get('viewer')
    const filters = readFilters(c.req.query())
    const period = filters.bulan ?? thisMonth()
    const directory = await helpers.regions()
    const found = await readRecap(viewer, filters)
    const kecamatan =
      !found && filters.kecamatan && coversRegion(viewer.scope.regionPrefix, filters.kecamatan)
        ? directory.kecamatan.find((k) => k.code === filters.kecamatan)
        : undefined
    const table = kecamatan ? await kecamatanRecap(deps.db, { period, kecamatan }) : undefined
    const query = found ? `?bulan=${period}&desa=${found.recap.desa.code}` : ''
    const text = (key: string) => r(`recap.${key}`)
    return helpers.page(c, {
      title: r('recap.title'),
      current: 'rekap',
      notice,
      children: (
        <>
          <form class="filters" method="get" action="/admin/rekap">
            <MonthSelect t={t} label={r('validation.month')} now={thisMonth()} selected={period} />
            <FilterSelect
              t={t}
              label={r('validation.desa')}
              name="desa"
              selected={filters.desa}
              choices={namedChoices(desaChoices(directory, viewer.scope.regionPrefix))}
            />
            <FilterSelect
              t={t}
              label={t('filter.kecamatan')}
              name="kecamatan"
              selected={filters.kecamatan}
              choices={namedChoices(kecamatanChoices(directory, viewer.scope.regionPrefix))}
            />
            <button type="submit">{text('show')}</button>
          </form>
          {!found && !table && <p>{text('pickDesa')}</p>}
          {table && (
            <>
              <h2>{r('recap.kecamatanTitle', { name: table.kecamatan.name })}</h2>
              <DataTable
                columns={[
                  deps.i18n.render({ key: 'recap:doc.column.desa' }),
                  ...table.columns.map((col) => ({
                    label: deps.i18n.render({ key: `recap:doc.column.${col.key}` }),
                    num: true,
                  })),
                  { label: text('openDesa'), action: true },
                ]}
              >
                {table.rows.map((row) => (
                  <tr>
                    <td>{row.desa.name}</td>
                    {row.values.map((v) => (
                      <td class="num">{printed(v)}</td>
                    ))}
                    <td>
                      <a href={`/admin/rekap?bulan=${period}&desa=${row.desa.code}`}>
                        {text('openDesa')}
                      </a>
                    </td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">{deps.i18n.render({ key: 'recap:doc.total' })}</th>
                  {table.totals.map((v) => (
                    <td class="num">{printed(v)}</td>
                  ))}
                  <td />
                </tr>
              </DataTable>
            </>
          )}
          {found && (
            <>
              <p class="downloads">
                <a href={`/admin/rekap.pdf${query}`}>{text('pdf')}</a> ·{' '}
                <a href={`/admin/rekap.xlsx${query}`}>{text('xlsx')}</a>
              </p>
              <section class="checks" aria-label={text('checks')}>
                <h2>{text('checks')}</h2>
                {found.rendered.checks.length === 0 ? (
                  <p>{deps.i18n.render({ key: 'recap:doc.checksOk' })}</p>
                ) : (
                  <ul>
                    {found.rendered.checks.map((check) => (
                      <li class="error">{check.message}</li>
                    ))}
                  </ul>
                )}
              </section>
              <p>
                {found.rendered.signed
                  ? found.rendered.signed.text
                  : deps.i18n.render({ key: 'recap:doc.draft' })}
              </p>
              {found.signature?.changedSince && (
                <p class="error">
                  {r('recap.changed', {
                    version: found.signature.version,
                    name: found.signature.signedBy,
                    at: found.signature.signedAt.toISOString(),
                  })}
                </p>
              )}
              {found.rendered.checks.length === 0 && !found.rendered.signed && (
                <form method="post" action={`/admin/rekap/tandatangan${query}`}>
                  <CsrfField viewer={viewer} />
                  <button type="submit">{text('sign')}</button>
                </form>
              )}
              <RecapPreview recap={found.rendered} text={text} />
              <p class="muted">{found.rendered.footer}</p>
            </>
          )}
        </>
      ),
    })
  }

  app.get('/rekap', (c) => recapPage(c))

  app.post('/rekap/tandatangan', async (c) => {
    const viewer = c.get('viewer')
    const found = await readRecap(viewer, readFilters(c.req.query()))
    if (!found) return recapPage(c)
    if (viewer.personId === null) return recapPage(c, r('recap.notPerson'))
    const result = await signRecap(deps.db, {
      recap: found.recap,
      signerId: viewer.personId,
      now: helpers.now(),
    })
    const notice =
      result.status === 'signed'
        ? r('recap.signedNow', { version: result.version })
        : result.status === 'unchanged'
          ? r('recap.unchanged', { version: result.version })
          : r('recap.checksFailed', { count: result.count })
    return recapPage(c, notice)
  })

  for (const format of ['pdf', 'xlsx'] as const) {
    app.get(`/rekap.${format}`, async (c) => {
      const viewer = c.get('viewer')
      const filters = readFilters(c.req.query())
      const found = await readRecap(viewer, filters)
      if (!found) return recapPage(c)
      await recordAudit(deps.db, {
        actor: viewer.actor,
        action: 'export',
        subject: `recap.ppkbd.${format}`,
        detail: { period: found.recap.period, region: found.recap.desa.code },
        at: helpers.now(),
      })
      const bytes =
        format === 'pdf'
          ? await recapPdf(found.rendered, deps.i18n)
          : await recapXlsx(found.rendered, deps.i18n)
      return c.body(new Uint8Array(bytes), 200, {
        'content-type':
          format === 'pdf'
            ? 'application/pdf'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="rekap-ppkbd_${found.recap.desa.code}_${found.recap.period}.${format}"`,
        'cache-control': 'no-store',
      })
    })
  }
}
