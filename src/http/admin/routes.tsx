/**
 * The `/admin` dashboard: server-rendered pages in Bahasa Indonesia, signed-cookie
 * sessions opened by a one-time chat link or `ADMIN_TOKEN`, CSRF protection on every form (the
 * Origin check of Hono's `csrf` middleware plus a per-session token field), and the viewer's
 * region scope passed to every query. Pages only render what the queries return.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { csrf } from 'hono/csrf'
import { z } from 'zod'
import { decideRegistration } from '../../conversation/registrations.js'
import { consumeLoginToken, deleteAdminSession, findAdminPerson } from '../../db/queries/admin.js'
import { recordAudit } from '../../db/queries/audit.js'
import { listAdminPeople } from '../../db/queries/admin-people.js'
import {
  type AdminCohort,
  findCohortGrid,
  listAdminCohorts,
} from '../../db/queries/admin-training.js'
import { findAdminVisit, listAdminVisits, listScopeCadres } from '../../db/queries/admin-visits.js'
import { listPendingRegistrations } from '../../db/queries/people.js'
import { listUnreachablePeople } from '../../db/queries/reachability.js'
import { listAllRegions } from '../../db/queries/regions.js'
import { latestVisitPeriod } from '../../db/queries/report-period.js'
import { defaultDashboardPeriod, reportingPeriod } from '../../domain/report-period.js'
import {
  TRAINING_EFFECTIVENESS_KEYS,
  type TrainingIndicatorsByCohort,
  readTrainingEffectiveness,
  readTrainingIndicatorsByCohort,
} from '../../db/queries/training-indicators.js'
import { KABUPATEN_CODE, PERSON_STATUSES, ROLES, coversRegion } from '../../domain/people.js'
import { type RegionDirectory, buildRegionDirectory, regionName } from '../../domain/regions.js'
import { FOLLOW_UP_STATUSES, SASARAN } from '../../domain/visits.js'
import { createImportJobs } from '../../import/jobs.js'
import { importKindSchema } from '../../import/run.js'
import { findDemoMarker } from '../../demo/marker.js'
import { errorHandler } from '../errors.js'
import { CSRF_FIELD, createAuth, mayUseDashboard, sameSecret } from './auth.js'
import { registerApiTokenPages } from './api-tokens.js'
import { registerBroadcastPages } from './broadcasts.js'
import { exportLinks, registerAdminExports } from './exports.js'
import { registerWhatsAppPage } from './whatsapp.js'
import { registerImportPages } from './imports.js'
import { RECAP_NAV, registerRecapPages } from './recap-pages.js'
import { registerTrainingOutcomePages } from './training-outcomes.js'
import {
  SessionSheetLinks,
  TrainingReportsSection,
  readTrainingReports,
  registerTrainingReports,
  reportText,
} from './training-reports.js'
import { clientAddress } from '../client-address.js'
import { createLoginLimiter } from '../login-limits.js'
import { dashboardFormNulGuard } from './nul-guard.js'
import { minutesUntil, secondsUntil } from '../../domain/login-limits.js'
import { type AdminDeps, type AdminEnv, type Viewer, adminText } from './context.js'
import { Layout, type LayoutProps } from './layout.js'
import { LinkLoginPage, LoginPage } from './pages/login.js'
import { PeoplePage } from './pages/people.js'
import { SummaryPage, loadSummary } from './pages/summary.js'
import {
  type CohortFigures,
  CohortGridPage,
  CohortListPage,
  type ProgrammeEffectiveness,
} from './pages/training.js'
import { VisitDetailPage, VisitListPage, type VisitFilters } from './pages/visits.js'
import {
  filterQuery,
  idSchema,
  kecamatanChoices,
  monthOf,
  narrowScope,
  periodSchema,
  regionCodeSchema,
} from './view-helpers.js'

const CSS_URL = new URL('./admin.css', import.meta.url)

/** Rows per page of the visit and people lists. */
export const PAGE_SIZE = 50

/** Largest CSV the import form accepts. */
const MAX_IMPORT_BYTES = 5 * 1024 * 1024

/** Largest login form (a token field and the CSRF-free link form). */
export const MAX_LOGIN_FORM_BYTES = 4 * 1024

/** Largest other form of a signed-in viewer (a broadcast's text is at most 3500 letters). */
export const MAX_FORM_BYTES = 64 * 1024

/** `4 KB`, `5 MB`: a limit as people read it. */
function byteSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MB` : `${bytes / 1024} KB`
}

const PHOTO_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
}

/** A query value, or `undefined` when absent, blank or invalid (bad filters are dropped). */
function pick<T>(schema: z.ZodType<T>, value: string | undefined): T | undefined {
  if (value === undefined || value === '') return undefined
  const result = schema.safeParse(value)
  return result.success ? result.data : undefined
}

const visitCursorSchema = z
  .string()
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{1,15}$/)
  .transform((value) => {
    const [visitDate, id] = value.split('_') as [string, string]
    return { visitDate, id: Number(id) }
  })

const peopleCursorSchema = z
  .string()
  .max(300)
  .regex(/^[0-9]{1,15}_/)
  .transform((value) => {
    const at = value.indexOf('_')
    return { id: Number(value.slice(0, at)), name: value.slice(at + 1) }
  })

/** The Orang page's note after a decision (`?keputusan=`): what happened, and to the notice. */
const DECISION_NOTICES: Partial<Record<string, string>> = {
  setujui: 'people.approved',
  'setujui-nanti': 'people.approvedLater',
  tolak: 'people.rejected',
  'tolak-nanti': 'people.rejectedLater',
  sudah: 'people.alreadyDecided',
}

/** Builds the dashboard's Hono app, mounted at `/admin`. */
export function adminRoutes(deps: AdminDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>()
  const t = adminText(deps.i18n)
  const auth = createAuth(deps)
  const limiter = createLoginLimiter({ db: deps.db, now: auth.now })
  let directory: Promise<RegionDirectory> | undefined
  const regions = () =>
    (directory ??= listAllRegions(deps.db).then((rows) => buildRegionDirectory(rows)))

  /** A page with one message in Indonesian, for failures before or without a viewer. */
  function messagePage(c: Context, message: string, status: 413 | 500 | 503) {
    const html = (
      <Layout t={t} title={message}>
        <p>{message}</p>
      </Layout>
    )
    return c.html(`<!doctype html>${html}`, status)
  }

  // A failure shows a page in Indonesian, not JSON; the log gets the error and the path only.
  app.onError(
    errorHandler({
      logger: deps.logger,
      message: 'dashboard request failed',
      responses: {
        unavailable: (c) => messagePage(c, t('errors.unavailable'), 503),
        internal: (c) => messagePage(c, t('errors.internal'), 500),
      },
    })
  )

  // `/admin/` (as people type it) is the same page as `/admin`.
  app.use('*', async (c, next) => {
    if (c.req.path === '/admin/') return c.redirect('/admin', 301)
    await next()
  })
  // Bodies are refused past their limit while they stream in, never read whole: a login form is
  // a few fields, a signed-in form a little more; only the CSV import (its own check refuses more
  // than 5 MB) is large, and its body is read only after the session was checked.
  const limits = [
    { paths: /^\/admin\/orang\/impor$/, maxSize: MAX_IMPORT_BYTES + 64 * 1024 },
    { paths: /^\/admin\/login(\/|$)/, maxSize: MAX_LOGIN_FORM_BYTES },
    { paths: /./, maxSize: MAX_FORM_BYTES },
  ].map(({ paths, maxSize }) => ({
    paths,
    check: bodyLimit({
      maxSize,
      onError: (c) => messagePage(c, t('errors.tooLarge', { limit: byteSize(maxSize) }), 413),
    }),
  }))
  app.use('*', (c, next) => limits.find(({ paths }) => paths.test(c.req.path))!.check(c, next))
  // A form field with a NUL character is refused (400) before any route reads the form.
  app.use('*', dashboardFormNulGuard(deps))
  const allowedOrigins = new Set<string>()
  if (deps.publicUrl) allowedOrigins.add(new URL(deps.publicUrl).origin)
  app.use(
    '*',
    csrf({
      origin: (origin, c) => origin === new URL(c.req.url).origin || allowedOrigins.has(origin),
    })
  )

  async function scopeName(viewer: Viewer): Promise<string> {
    if (viewer.scope.regionPrefix === KABUPATEN_CODE) return t('viewer.scopeAll')
    const name = regionName(await regions(), viewer.scope.regionPrefix)
    return t('viewer.scope', { name: name ?? viewer.scope.regionPrefix })
  }

  async function page(
    c: Context<AdminEnv>,
    props: Omit<LayoutProps, 't' | 'viewer' | 'scopeName'>,
    status: 200 | 400 | 403 | 404 = 200
  ) {
    const viewer = c.get('viewer')
    const extraNav: LayoutProps['extraNav'] = [{ name: 'siaran', href: '/admin/siaran' }]
    extraNav.push(...RECAP_NAV)
    if (deps.whatsapp && viewer.isAdmin) extraNav.push({ name: 'whatsapp', href: '/admin/wa' })
    if (viewer.isAdmin) extraNav.push({ name: 'token', href: '/admin/token' })
    const [scope, demo] = await Promise.all([scopeName(viewer), findDemoMarker(deps.db)])
    const html = (
      <Layout
        t={t}
        viewer={viewer}
        scopeName={scope}
        extraNav={extraNav}
        {...(demo ? { demoPeriod: demo.period } : {})}
        {...props}
      />
    )
    return c.html(`<!doctype html>${html}`, status)
  }

  function notFound(c: Context<AdminEnv>) {
    return page(c, { title: t('errors.notFound'), children: <p>{t('errors.notFound')}</p> }, 404)
  }

  // --- Public: assets and login ---
  app.get('/assets/admin.css', async (c) => {
    c.header('content-type', 'text/css; charset=utf-8')
    c.header('cache-control', 'public, max-age=3600')
    return c.body(await readFile(CSS_URL, 'utf8'))
  })

  function loginPage(c: Context, error?: string, status: 200 | 401 | 403 = 200) {
    const html = (
      <Layout t={t} title={t('login.title')}>
        <LoginPage t={t} tokenLogin={deps.adminToken !== undefined} error={error} />
      </Layout>
    )
    return c.html(`<!doctype html>${html}`, status)
  }

  /** Too many failed logins: a 429 in Indonesian, with when to try again. */
  function tooManyPage(c: Context, until: Date) {
    const now = auth.now()
    c.header('retry-after', String(secondsUntil(until, now)))
    c.header('cache-control', 'no-store')
    const html = (
      <Layout t={t} title={t('login.tooManyTitle')}>
        <div class="login">
          <p class="error" role="alert">
            {t('login.tooMany', { minutes: minutesUntil(until, now) })}
          </p>
          <p class="muted">{t('login.intro')}</p>
        </div>
      </Layout>
    )
    return c.html(`<!doctype html>${html}`, 429)
  }

  app.get('/login', (c) => loginPage(c))

  app.post('/login', async (c) => {
    const body = await c.req.parseBody()
    const token = typeof body['token'] === 'string' ? body['token'] : ''
    if (deps.adminToken === undefined) return loginPage(c, t('login.noToken'), 403)
    // Blocked before the token is compared, so guesses past the limit learn nothing.
    const attempt = await limiter.attempt(clientAddress(c, deps.trustedProxies), 'admin_token')
    if (attempt.blockedUntil) return tooManyPage(c, attempt.blockedUntil)
    if (!sameSecret(token, deps.adminToken)) return loginPage(c, t('login.wrongToken'), 401)
    await attempt.notAGuess()
    await auth.signIn(c, null)
    await recordAudit(deps.db, { actor: 'admin_token', action: 'admin_login', at: auth.now() })
    return c.redirect('/admin', 303)
  })

  app.get('/login/:token', (c) => {
    const html = (
      <Layout t={t} title={t('login.linkTitle')}>
        <LinkLoginPage t={t} token={c.req.param('token')} />
      </Layout>
    )
    c.header('cache-control', 'no-store')
    return c.html(`<!doctype html>${html}`)
  })

  app.post('/login/:token', async (c) => {
    const now = auth.now()
    const attempt = await limiter.attempt(clientAddress(c, deps.trustedProxies), 'link')
    if (attempt.blockedUntil) return tooManyPage(c, attempt.blockedUntil)
    const used = await consumeLoginToken(deps.db, { token: c.req.param('token'), now })
    if (!used) return loginPage(c, t('login.linkInvalid'), 401)
    // A real link is not a guess, even when its person may no longer use the dashboard.
    await attempt.notAGuess()
    const person = await findAdminPerson(deps.db, used.personId)
    if (!person || !mayUseDashboard(person)) return loginPage(c, t('login.notAllowed'), 403)
    await auth.signIn(c, person.id)
    await recordAudit(deps.db, { actor: `person:${person.id}`, action: 'admin_login', at: now })
    return c.redirect('/admin', 303)
  })

  // --- Everything below needs a session; forms carry the session's CSRF token ---
  app.use('*', auth.requireViewer)
  app.use('*', async (c, next) => {
    if (c.req.method !== 'POST') return next()
    const body = await c.req.parseBody()
    const field = body[CSRF_FIELD]
    if (typeof field !== 'string' || !sameSecret(field, c.get('viewer').csrfToken)) {
      return page(c, { title: t('errors.csrf'), children: <p>{t('errors.csrf')}</p> }, 403)
    }
    await next()
  })

  registerAdminExports(app, deps)
  registerBroadcastPages(app, deps, { t, now: auth.now, regions, page })
  registerApiTokenPages(app, deps, { t, now: auth.now, regions, page })
  const importJobs =
    deps.importJobs ??
    createImportJobs({ db: deps.db, logger: deps.logger, timeZone: deps.timeZone, now: auth.now })
  registerImportPages(app, deps, { t, page, jobs: importJobs })
  registerRecapPages(app, deps, { t, now: auth.now, regions, page })
  registerTrainingOutcomePages(app, deps, { now: auth.now, page })
  registerTrainingReports(app, deps, { now: auth.now, page })
  if (deps.whatsapp) registerWhatsAppPage(app, { ...deps, whatsapp: deps.whatsapp }, { t, page })

  app.post('/logout', async (c) => {
    await deleteAdminSession(deps.db, c.get('viewer').sessionId)
    auth.clearCookie(c)
    return c.redirect('/admin/login', 303)
  })

  // --- Ringkasan ---
  app.get('/', async (c) => {
    const viewer = c.get('viewer')
    const now = auth.now()
    const current = monthOf(now, deps.timeZone)
    const kecamatan = pick(regionCodeSchema, c.req.query('kecamatan'))
    const region = narrowScope(viewer.scope.regionPrefix, kecamatan)
    // The month reports are made for, or the latest earlier one with data.
    const regionPrefix = region ?? viewer.scope.regionPrefix
    const reporting = reportingPeriod(now, deps.timeZone)
    const period =
      pick(periodSchema, c.req.query('bulan')) ??
      defaultDashboardPeriod(
        reporting,
        await latestVisitPeriod(deps.db, { regionPrefix, onOrBefore: reporting })
      )
    const latest = await latestVisitPeriod(deps.db, { regionPrefix })
    const shownHasData =
      latest !== null &&
      (await latestVisitPeriod(deps.db, { regionPrefix, onOrBefore: period })) === period
    const dir = await regions()
    const data = await loadSummary(deps.db, {
      viewer,
      period,
      region: region ?? viewer.scope.regionPrefix,
      kecamatan: region === undefined ? undefined : kecamatan,
      now,
      timeZone: deps.timeZone,
      directory: dir,
    })
    const shownRegion = data.region
    const shownName =
      shownRegion === KABUPATEN_CODE
        ? t('viewer.scopeAll')
        : (regionName(dir, shownRegion) ?? shownRegion)
    return page(c, {
      title: t('summary.title'),
      current: 'ringkasan',
      notice: region === undefined ? t('errors.badFilter') : undefined,
      children: (
        <SummaryPage
          t={t}
          data={data}
          months={[current]}
          {...(!shownHasData && latest !== null ? { latestWithData: latest } : {})}
          kecamatan={kecamatanChoices(dir, viewer.scope.regionPrefix)}
          regionName={shownName}
        />
      ),
    })
  })

  // --- Kunjungan ---
  app.get('/kunjungan', async (c) => {
    const viewer = c.get('viewer')
    const query = c.req.query()
    const filters: VisitFilters = {
      bulan: pick(periodSchema, query['bulan']),
      kecamatan: pick(regionCodeSchema, query['kecamatan']),
      desa: pick(regionCodeSchema, query['desa']),
      kader: pick(idSchema, query['kader']),
      sasaran: pick(z.enum(SASARAN), query['sasaran']),
      rujukan: pick(z.enum(['none', 'any', ...FOLLOW_UP_STATUSES]), query['rujukan']),
    }
    const after = pick(visitCursorSchema, query['setelah'])
    const rows = await listAdminVisits(deps.db, {
      scope: viewer.scope,
      period: filters.bulan,
      // The desa narrows further than the kecamatan; both stay within the scope in SQL.
      regionCode: filters.desa ?? filters.kecamatan,
      cadreId: filters.kader,
      sasaran: filters.sasaran,
      referral: filters.rujukan,
      after,
      limit: PAGE_SIZE + 1,
    })
    const pageRows = rows.slice(0, PAGE_SIZE)
    const last = pageRows.at(-1)
    const dir = await regions()
    const kecamatan = kecamatanChoices(dir, viewer.scope.regionPrefix)
    const desaParent =
      filters.kecamatan ??
      (viewer.scope.regionPrefix.split('.').length === 3 ? viewer.scope.regionPrefix : undefined)
    const desa = (desaParent ? (dir.desaByKecamatan[desaParent] ?? []) : []).filter(
      (d) => coversRegion(viewer.scope.regionPrefix, d.code) || d.code === viewer.scope.regionPrefix
    )
    return page(c, {
      title: t('visits.title'),
      current: 'kunjungan',
      children: (
        <VisitListPage
          t={t}
          filters={filters}
          rows={pageRows}
          next={rows.length > PAGE_SIZE && last ? `${last.visitDate}_${last.id}` : undefined}
          paged={after !== undefined}
          currentMonth={monthOf(auth.now(), deps.timeZone)}
          kecamatan={kecamatan}
          desa={desa}
          cadres={await listScopeCadres(deps.db, { scope: viewer.scope })}
          sasaranLabel={(value) => deps.i18n.render({ key: `visit-report:sasaran.${value}` })}
          exportLinks={exportLinks('kunjungan', filterQuery({ ...filters, rujukan: undefined }))}
        />
      ),
    })
  })

  app.get('/kunjungan/:id', async (c) => {
    const viewer = c.get('viewer')
    const id = pick(idSchema, c.req.param('id'))
    const visit =
      id === undefined ? undefined : await findAdminVisit(deps.db, { scope: viewer.scope, id })
    if (!visit) return notFound(c)
    // Reading a family's visit is a read of a sensitive record (docs/domain.md, decision 9).
    await recordAudit(deps.db, {
      actor: viewer.actor,
      action: 'visit_viewed',
      subject: `visit:${visit.id}`,
      detail: { familyId: visit.familyId },
      at: auth.now(),
    })
    return page(c, {
      title: t('visits.detailTitle', { reference: visit.reference }),
      current: 'kunjungan',
      children: (
        <VisitDetailPage
          t={t}
          visit={visit}
          timeZone={deps.timeZone}
          option={(list, value) => deps.i18n.render({ key: `visit-report:${list}.${value}` })}
        />
      ),
    })
  })

  app.get('/kunjungan/:id/foto', async (c) => {
    const viewer = c.get('viewer')
    const id = pick(idSchema, c.req.param('id'))
    const visit =
      id === undefined ? undefined : await findAdminVisit(deps.db, { scope: viewer.scope, id })
    if (!visit?.photoRef || !deps.media) return notFound(c)
    const extension = visit.photoRef.split('.').at(-1) ?? ''
    const type = PHOTO_TYPES[extension]
    if (!type) return notFound(c)
    try {
      const bytes = await readFile(deps.media.pathOf(visit.photoRef))
      c.header('content-type', type)
      c.header('cache-control', 'private, max-age=300')
      return c.body(bytes)
    } catch {
      return notFound(c)
    }
  })

  // --- Pelatihan ---
  /** The figures of cohorts, from one read of the training facts per programme. */
  async function cohortFigures(
    cohorts: Awaited<ReturnType<typeof listAdminCohorts>>
  ): Promise<CohortFigures[]> {
    const asOf = auth.now()
    const byProgramme = new Map<number, TrainingIndicatorsByCohort>()
    const figures: CohortFigures[] = []
    for (const cohort of cohorts) {
      let programme = byProgramme.get(cohort.programmeId)
      if (!programme) {
        // A single cohort is read alone; a list reads the whole programme once.
        const scope =
          cohorts.length === 1
            ? { programmeId: cohort.programmeId, cohortId: cohort.id, asOf }
            : { programmeId: cohort.programmeId, asOf }
        programme = await readTrainingIndicatorsByCohort(deps.db, scope)
        byProgramme.set(cohort.programmeId, programme)
      }
      const own = programme.cohorts.get(cohort.id)
      if (!own) continue
      figures.push({
        cohort,
        enrolled: own.enrolled,
        attendance: own.attendanceRate,
        completion: own.completionRate,
        dropOut: own.dropOutRate,
      })
    }
    return figures
  }

  /**
   * The effectiveness figures of each programme with a cohort listed, over the viewer's kecamatan
   * (or the kabupaten); none for a narrower (desa) reader, as training is organised per kecamatan.
   */
  async function effectivenessOf(
    cohorts: AdminCohort[],
    regionPrefix: string
  ): Promise<ProgrammeEffectiveness[] | undefined> {
    const level = regionPrefix.split('.').length
    if (level > 3) return undefined
    const programmes = new Map(cohorts.map((cohort) => [cohort.programmeId, cohort.programmeCode]))
    const result: ProgrammeEffectiveness[] = []
    for (const [programmeId, programmeCode] of programmes) {
      const read = await readTrainingEffectiveness(deps.db, {
        programmeId,
        asOf: auth.now(),
        ...(level === 3 ? { kecamatanCode: regionPrefix } : {}),
      })
      result.push({
        programmeCode,
        figures: TRAINING_EFFECTIVENESS_KEYS.map((key) => {
          const figure = read[key]
          const text = (part: string) => deps.i18n.render({ key: `api:indicators.${key}.${part}` })
          return {
            key,
            label: text('label'),
            formula: text('formula'),
            ...('change' in figure
              ? { unit: 'points' as const, denominator: figure.n, value: figure.change }
              : { unit: 'percent' as const, denominator: figure.denominator, value: figure.value }),
          }
        }),
      })
    }
    return result
  }

  app.get('/pelatihan', async (c) => {
    const viewer = c.get('viewer')
    const cohorts = await listAdminCohorts(deps.db, { scope: viewer.scope })
    const figures = await cohortFigures(cohorts)
    const effectiveness = await effectivenessOf(cohorts, viewer.scope.regionPrefix)
    const reports = await readTrainingReports(deps, {
      programmeCodes: [...new Set(cohorts.map((cohort) => cohort.programmeCode))],
      regionPrefix: viewer.scope.regionPrefix,
      breakdown: c.req.query('rincian'),
      asOf: auth.now(),
    })
    return page(c, {
      title: t('training.title'),
      current: 'pelatihan',
      children: (
        <>
          <CohortListPage
            t={t}
            cohorts={figures}
            asOf={auth.now()}
            timeZone={deps.timeZone}
            exportLinks={exportLinks('daftar-hadir', '')}
            {...(effectiveness ? { effectiveness } : {})}
          />
          {reports && (
            <TrainingReportsSection
              t={t}
              text={reportText(deps)}
              reports={reports}
              viewer={viewer}
            />
          )}
        </>
      ),
    })
  })

  app.get('/pelatihan/:id', async (c) => {
    const viewer = c.get('viewer')
    const id = pick(idSchema, c.req.param('id'))
    const grid =
      id === undefined
        ? undefined
        : await findCohortGrid(deps.db, { scope: viewer.scope, cohortId: id })
    if (!grid) return notFound(c)
    return page(c, {
      title: t('training.gridTitle', { code: grid.cohort.code }),
      current: 'pelatihan',
      children: (
        <>
          <CohortGridPage
            t={t}
            grid={grid}
            figures={(await cohortFigures([grid.cohort]))[0]!}
            timeZone={deps.timeZone}
            now={auth.now()}
            viewer={viewer}
            exportLinks={exportLinks(
              'daftar-hadir',
              `?${new URLSearchParams({ kelompok: grid.cohort.code }).toString()}`
            )}
          />
          <SessionSheetLinks
            text={reportText(deps)}
            cohortId={grid.cohort.id}
            sessions={grid.sessions}
          />
        </>
      ),
    })
  })

  // --- Orang ---
  async function peoplePage(
    c: Context<AdminEnv>,
    extra: { importError?: string; notice?: string } = {}
  ) {
    const viewer = c.get('viewer')
    const query = c.req.query()
    const filters = {
      peran: pick(z.enum(ROLES), query['peran']),
      status: pick(z.enum(PERSON_STATUSES), query['status']),
      nama: pick(z.string().trim().max(100), query['nama']),
    }
    const after = pick(peopleCursorSchema, query['setelah'])
    const rows = await listAdminPeople(deps.db, {
      scope: viewer.scope,
      role: filters.peran,
      status: filters.status,
      query: filters.nama,
      after,
      limit: PAGE_SIZE + 1,
    })
    const pageRows = rows.slice(0, PAGE_SIZE)
    const last = pageRows.at(-1)
    return page(c, {
      title: t('people.title'),
      current: 'orang',
      notice: extra.notice,
      children: (
        <PeoplePage
          t={t}
          viewer={viewer}
          filters={filters}
          rows={pageRows}
          next={rows.length > PAGE_SIZE && last ? `${last.id}_${last.name}` : undefined}
          paged={after !== undefined}
          pending={await listPendingRegistrations(deps.db, {
            scopeCode: viewer.scope.regionPrefix,
          })}
          unreachable={await listUnreachablePeople(deps.db, {
            scope: viewer.scope,
            limit: PAGE_SIZE,
          })}
          importError={extra.importError}
          importText={(key) => deps.i18n.render({ key: `import:${key}` })}
        />
      ),
    })
  }

  app.get('/orang', (c) => {
    const decided = DECISION_NOTICES[c.req.query('keputusan') ?? '']
    return peoplePage(c, { notice: decided === undefined ? undefined : t(decided) })
  })

  app.post('/orang/impor', async (c) => {
    const viewer = c.get('viewer')
    if (!viewer.isAdmin) {
      return page(
        c,
        { title: t('errors.forbidden'), children: <p>{t('errors.forbidden')}</p> },
        403
      )
    }
    const body = await c.req.parseBody()
    const file = body['berkas']
    if (!(file instanceof File) || file.size === 0) {
      return peoplePage(c, { importError: t('people.importEmpty') })
    }
    if (file.size > MAX_IMPORT_BYTES) {
      return peoplePage(c, { importError: t('people.importTooLarge') })
    }
    // Run in the background (`import/jobs.ts`): the job page shows its progress, then its report.
    const job = await importJobs.start({
      kind: pick(importKindSchema, String(body['jenis'] ?? '')) ?? 'people',
      file,
      actor: viewer.actor,
    })
    return c.redirect(`/admin/impor/${job.id}`, 303)
  })

  app.post('/orang/:id/keputusan', async (c) => {
    const viewer = c.get('viewer')
    const id = pick(idSchema, c.req.param('id'))
    const body = await c.req.parseBody()
    const decision = pick(z.enum(['setujui', 'tolak']), String(body['keputusan'] ?? ''))
    const pending = await listPendingRegistrations(deps.db, {
      scopeCode: viewer.scope.regionPrefix,
    })
    const applicant = pending.find((p) => p.id === id)
    if (decision === undefined) return notFound(c)
    if (!applicant) return c.redirect('/admin/orang?keputusan=sudah', 303)
    const decided = await deps.db.transaction((tx) =>
      decideRegistration(tx, deps, {
        personId: applicant.id,
        approved: decision === 'setujui',
        actor: viewer.actor,
        now: auth.now(),
      })
    )
    if (decided === undefined) return c.redirect('/admin/orang?keputusan=sudah', 303)
    deps.onQueued?.()
    // The page says whether the applicant has the answer now or once using the bot.
    const later = decided === 'waiting' ? '-nanti' : ''
    return c.redirect(`/admin/orang?keputusan=${decision}${later}`, 303)
  })

  return app
}
