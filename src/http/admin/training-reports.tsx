/**
 * The training's reports on the dashboard (docs/domain.md, decision 18): a cohort's daftar hadir
 * for the SPJ (a session as PDF or XLSX, or every session of the cohort in one PDF), the
 * effectiveness figures per cohort or kecamatan with their n and formulas (and their download),
 * and the tracer study's response per wave with the list of who answered (admins only, for the
 * incentive). Every download is scoped to the viewer's region and audit-logged before its first
 * byte (docs/domain.md, decision 9).
 * @module
 */
import type { Context, Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { z } from 'zod'
import { recordAudit } from '../../db/queries/audit.js'
import { listAttendanceSheets } from '../../db/queries/attendance-sheet.js'
import { type TracerWave, listTracerRespondents, listTracerWaves } from '../../db/queries/tracer.js'
import {
  type EffectivenessBreakdown,
  type EffectivenessBreakdownResult,
  listEffectivenessBreakdown,
} from '../../db/queries/training-effectiveness.js'
import type { TrainingEffectiveness } from '../../db/queries/training-indicators.js'
import { attendanceSheetPdf, attendanceSheetXlsx } from '../../export/attendance-sheet.js'
import {
  type EffectivenessExportRow,
  effectivenessColumns,
  tracerColumns,
} from '../../export/training-reports.js'
import { formatDate, formatNumber } from '../../i18n/format.js'
import type { TextParam } from '../../i18n/index.js'
import { download } from '../download.js'
import type { AdminDeps, AdminEnv, AdminText, Viewer } from './context.js'
import { DataTable, ExportLinks } from './controls.js'
import { formatValue, idSchema } from './view-helpers.js'

/** The dashboard's word for each breakdown (`?rincian=`). */
const BREAKDOWN_WORDS: Record<string, EffectivenessBreakdown> = {
  kelompok: 'cohort',
  kecamatan: 'kecamatan',
}

const breakdownSchema = z
  .enum(['kelompok', 'kecamatan'])
  .transform((word) => BREAKDOWN_WORDS[word]!)

/** Renders one text of `locales/id/training-reports.json`. */
export type ReportText = (key: string, params?: Record<string, TextParam>) => string

export function reportText(deps: Pick<AdminDeps, 'i18n'>): ReportText {
  return (key, params) =>
    deps.i18n.render({ key: `training-reports:${key}`, ...(params ? { params } : {}) })
}

/** One programme's effectiveness breakdown and tracer response. */
export type ProgrammeReport = {
  programmeCode: string
  breakdown: EffectivenessBreakdownResult
  waves: TracerWave[]
}

/** What the Pelatihan page shows below the cohorts. */
export type TrainingReports = {
  by: EffectivenessBreakdown
  programmes: ProgrammeReport[]
}

/**
 * The kecamatan a reader's training figures cover: the kabupaten (`undefined`) for an admin, her
 * kecamatan for a kecamatan reader; `null` for a narrower (desa) reader, as training is organised
 * per kecamatan.
 */
function kecamatanOf(regionPrefix: string): string | undefined | null {
  const level = regionPrefix.split('.').length
  if (level > 3) return null
  return level === 3 ? regionPrefix : undefined
}

/** The effectiveness breakdown and tracer response of each programme, for the Pelatihan page. */
export async function readTrainingReports(
  deps: Pick<AdminDeps, 'db'>,
  params: {
    /** The codes of the programmes the viewer sees cohorts of. */
    programmeCodes: string[]
    regionPrefix: string
    /** The page's `?rincian=` (kelompok, the default, or kecamatan). */
    breakdown: string | undefined
    asOf: Date
  }
): Promise<TrainingReports | undefined> {
  const kecamatanCode = kecamatanOf(params.regionPrefix)
  if (kecamatanCode === null) return undefined
  const by = breakdownSchema.safeParse(params.breakdown).data ?? 'cohort'
  const scope = { asOf: params.asOf, ...(kecamatanCode ? { kecamatanCode } : {}) }
  const programmes: ProgrammeReport[] = []
  for (const programmeCode of params.programmeCodes) {
    const breakdown = await listEffectivenessBreakdown(deps.db, { ...scope, programmeCode, by })
    if (!breakdown) continue
    programmes.push({
      programmeCode,
      breakdown,
      waves: await listTracerWaves(deps.db, { ...scope, programmeCode }),
    })
  }
  return { by, programmes }
}

/** A share with its counts, `40% (2/5)`. */
function Share(props: { value: number | null; numerator: number; denominator: number }) {
  return (
    <>
      {formatValue(props.value, '%')}{' '}
      <span class="muted">
        ({formatNumber(props.numerator)}/{formatNumber(props.denominator)})
      </span>
    </>
  )
}

function points(text: ReportText, value: number | null): string {
  return value === null ? '–' : text('breakdown.points', { value: formatValue(value) })
}

function EffectivenessRow(props: {
  label: string
  figures: TrainingEffectiveness
  text: ReportText
}) {
  const { businessStartChange: business, onlineSellingChange: online } = props.figures
  const income = props.figures.incomeBracketUp
  return (
    <tr>
      <th scope="row">{props.label}</th>
      <td class="num">{formatNumber(business.n)}</td>
      <td>
        <Share {...business.baseline} />
      </td>
      <td>
        <Share {...business.latest} />
      </td>
      <td>{points(props.text, business.change)}</td>
      <td>
        <Share {...online.baseline} />
      </td>
      <td>
        <Share {...online.latest} />
      </td>
      <td>{points(props.text, online.change)}</td>
      <td>
        <Share {...income} />
      </td>
    </tr>
  )
}

/** The effectiveness breakdown and the tracer response of each programme, with their formulas. */
export function TrainingReportsSection(props: {
  t: AdminText
  text: ReportText
  reports: TrainingReports
  viewer: Viewer
}) {
  const { text, reports } = props
  const word = reports.by === 'cohort' ? 'kelompok' : 'kecamatan'
  const other = reports.by === 'cohort' ? 'kecamatan' : 'kelompok'
  return (
    <>
      {reports.programmes.map((programme) => {
        const query = `?program=${encodeURIComponent(programme.programmeCode)}`
        return (
          <section id={`efektivitas-${programme.programmeCode}`}>
            <h2>
              {text('breakdown.title', {
                by: text(reports.by === 'cohort' ? 'breakdown.byCohort' : 'breakdown.byKecamatan'),
                programme: programme.programmeCode,
              })}
            </h2>
            <p class="muted">{text('breakdown.help')}</p>
            <p class="actions">
              <a href={`/admin/pelatihan?rincian=${other}#efektivitas-${programme.programmeCode}`}>
                {text(
                  other === 'kelompok' ? 'breakdown.switchCohort' : 'breakdown.switchKecamatan'
                )}
              </a>
            </p>
            <DataTable
              columns={[
                text('breakdown.group'),
                { label: text('breakdown.n'), num: true },
                text('breakdown.businessBaseline'),
                text('breakdown.businessLatest'),
                text('breakdown.businessChange'),
                text('breakdown.onlineBaseline'),
                text('breakdown.onlineLatest'),
                text('breakdown.onlineChange'),
                text('breakdown.incomeUp'),
              ]}
            >
              {programme.breakdown.groups.map((group) => (
                <EffectivenessRow
                  label={
                    reports.by === 'cohort'
                      ? `${group.code} (${group.kecamatanName})`
                      : group.kecamatanName
                  }
                  figures={group.figures}
                  text={text}
                />
              ))}
              <EffectivenessRow
                label={text('breakdown.total')}
                figures={programme.breakdown.total}
                text={text}
              />
            </DataTable>
            <dl class="formulas">
              <dt>{text('breakdown.formulas')}</dt>
              <dd>{text('breakdown.formulaBusiness')}</dd>
              <dd>{text('breakdown.formulaOnline')}</dd>
              <dd>{text('breakdown.formulaIncome')}</dd>
            </dl>
            <ExportLinks
              t={props.t}
              label={text('breakdown.export')}
              links={{
                csv: `/admin/ekspor/efektivitas.csv${query}&rincian=${word}`,
                xlsx: `/admin/ekspor/efektivitas.xlsx${query}&rincian=${word}`,
              }}
            />
            <h2>{text('tracer.title', { programme: programme.programmeCode })}</h2>
            <p class="muted">{text('tracer.help')}</p>
            <DataTable
              columns={[
                text('tracer.wave'),
                { label: text('tracer.sent'), num: true },
                { label: text('tracer.answered'), num: true },
                { label: text('tracer.declined'), num: true },
                text('tracer.rate'),
              ]}
            >
              {programme.waves.map((wave) => (
                <tr data-wave={String(wave.wave)}>
                  <th scope="row">{text('tracer.waveName', { wave: wave.wave })}</th>
                  <td class="num">{formatNumber(wave.sent)}</td>
                  <td class="num">{formatNumber(wave.answered)}</td>
                  <td class="num">{formatNumber(wave.declined)}</td>
                  <td>
                    <Share value={wave.rate} numerator={wave.answered} denominator={wave.sent} />
                  </td>
                </tr>
              ))}
            </DataTable>
            {props.viewer.isAdmin && (
              <ExportLinks
                t={props.t}
                label={text('tracer.export')}
                links={{
                  csv: `/admin/ekspor/tracer.csv${query}`,
                  xlsx: `/admin/ekspor/tracer.xlsx${query}`,
                }}
              >
                <span class="muted">{text('tracer.exportHelp')}</span>
              </ExportLinks>
            )}
          </section>
        )
      })}
    </>
  )
}

/** A cohort's sessions with their daftar hadir downloads (the cohort page). */
export function SessionSheetLinks(props: {
  text: ReportText
  cohortId: number
  sessions: readonly { id: number; date: string; topic: string; cancelled: boolean }[]
}) {
  const { text, cohortId } = props
  if (props.sessions.length === 0) return null
  const base = `/admin/pelatihan/${cohortId}`
  return (
    <section id="daftar-hadir">
      <h2>{text('sessions.title')}</h2>
      <p class="muted">{text('sessions.help')}</p>
      <p class="actions">
        <a href={`${base}/daftar-hadir.pdf`}>{text('sessions.all')}</a>
      </p>
      <DataTable
        columns={[
          { label: text('sessions.session'), num: true },
          text('sessions.date'),
          text('sessions.topic'),
          text('sessions.download'),
        ]}
      >
        {props.sessions.map((session, index) => (
          <tr>
            <td class="num">{formatNumber(index + 1)}</td>
            <td>
              {formatDate(session.date)}
              {session.cancelled && <span class="badge">{text('sessions.cancelled')}</span>}
            </td>
            <td>{session.topic}</td>
            <td class="actions">
              <a href={`${base}/sesi/${session.id}/daftar-hadir.pdf`}>{text('sessions.pdf')}</a>{' '}
              <a href={`${base}/sesi/${session.id}/daftar-hadir.xlsx`}>{text('sessions.xlsx')}</a>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  )
}

const exportQuerySchema = z.object({
  program: z.string().trim().min(1).max(40),
  rincian: z.enum(['kelompok', 'kecamatan']).optional(),
})

/** Adds the training reports' downloads to the dashboard app (after its session middleware). */
export function registerTrainingReports(
  app: Hono<AdminEnv>,
  deps: AdminDeps,
  helpers: {
    now: () => Date
    page: (
      c: Context<AdminEnv>,
      props: { title: string; children: JSX.Element },
      status?: 403 | 404 | 400
    ) => Promise<Response>
  }
): void {
  const text = reportText(deps)
  const admin = (key: string) => deps.i18n.render({ key: `admin:${key}` })
  const refuse = (c: Context<AdminEnv>, key: string, status: 400 | 403 | 404) =>
    helpers.page(c, { title: admin(key), children: <p>{admin(key)}</p> }, status)

  /** The sheets of a cohort (or one session of it) in the viewer's scope, audit-logged. */
  async function sheets(c: Context<AdminEnv>, format: 'pdf' | 'xlsx', sessionParam?: string) {
    const viewer = c.get('viewer')
    const cohortId = idSchema.safeParse(c.req.param('id'))
    const sessionId = sessionParam === undefined ? undefined : idSchema.safeParse(sessionParam)
    if (!cohortId.success || (sessionId && !sessionId.success)) {
      return refuse(c, 'errors.notFound', 404)
    }
    const now = helpers.now()
    const list = await listAttendanceSheets(deps.db, {
      cohortId: cohortId.data,
      ...(sessionId ? { sessionId: sessionId.data } : {}),
      regionPrefix: viewer.scope.regionPrefix,
      asOf: now,
    })
    if (list.length === 0) return refuse(c, 'errors.notFound', 404)
    await recordAudit(deps.db, {
      actor: viewer.actor,
      action: 'export',
      subject: `attendance_sheet.${format}`,
      detail: {
        cohort: list[0]!.cohortCode,
        sessions: list.map((sheet) => sheet.sessionId),
        scope: viewer.scope.regionPrefix,
      },
      at: now,
    })
    const options = { timeZone: deps.timeZone, now }
    const bytes =
      format === 'pdf'
        ? await attendanceSheetPdf(list, deps.i18n, options)
        : await attendanceSheetXlsx(list, deps.i18n, options)
    const name =
      sessionId === undefined
        ? `daftar-hadir_${list[0]!.cohortCode}`
        : `daftar-hadir_${list[0]!.cohortCode}_${list[0]!.date}`
    return c.body(new Uint8Array(bytes), 200, {
      'content-type':
        format === 'pdf'
          ? 'application/pdf'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="${name}.${format}"`,
      'cache-control': 'no-store',
    })
  }

  app.get('/pelatihan/:id/daftar-hadir.pdf', (c) => sheets(c, 'pdf'))
  app.get('/pelatihan/:id/sesi/:sesi/daftar-hadir.pdf', (c) =>
    sheets(c, 'pdf', c.req.param('sesi'))
  )
  app.get('/pelatihan/:id/sesi/:sesi/daftar-hadir.xlsx', (c) =>
    sheets(c, 'xlsx', c.req.param('sesi'))
  )

  const header = (key: string) => text(`columns.${key}`)
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/ekspor/efektivitas.${format}`, async (c) => {
      const viewer = c.get('viewer')
      const query = exportQuerySchema.safeParse(c.req.query())
      if (!query.success) return refuse(c, 'errors.badExport', 400)
      const kecamatanCode = kecamatanOf(viewer.scope.regionPrefix)
      if (kecamatanCode === null) return refuse(c, 'errors.notFound', 404)
      const programmeCode = query.data.program
      const asOf = helpers.now()
      const read = await listEffectivenessBreakdown(deps.db, {
        programmeCode,
        by: breakdownSchema.parse(query.data.rincian ?? 'kelompok'),
        asOf,
        ...(kecamatanCode ? { kecamatanCode } : {}),
      })
      if (!read) return refuse(c, 'errors.notFound', 404)
      await recordAudit(deps.db, {
        actor: viewer.actor,
        action: 'export',
        subject: `training_effectiveness.${format}`,
        detail: { ...query.data, scope: viewer.scope.regionPrefix },
        at: asOf,
      })
      const rows: EffectivenessExportRow[] = [
        ...read.groups.map((group) => ({
          programmeCode,
          code: group.code,
          name: group.kecamatanName,
          figures: group.figures,
          asOf,
        })),
        {
          programmeCode,
          code: viewer.scope.regionPrefix,
          name: text('breakdown.total'),
          figures: read.total,
          asOf,
        },
      ]
      return download(c, {
        format,
        base: `efektivitas_${programmeCode}_${query.data.rincian ?? 'kelompok'}`,
        sheet: text('sheets.breakdown'),
        separator: ';',
        timeZone: deps.timeZone,
        columns: effectivenessColumns(header),
        rows: once(rows),
      })
    })

    app.get(`/ekspor/tracer.${format}`, async (c) => {
      const viewer = c.get('viewer')
      // Names and phone numbers: the kabupaten's admins only (docs/domain.md#privacy).
      if (!viewer.isAdmin) return refuse(c, 'errors.forbidden', 403)
      const query = exportQuerySchema.pick({ program: true }).safeParse(c.req.query())
      if (!query.success) return refuse(c, 'errors.badExport', 400)
      const asOf = helpers.now()
      await recordAudit(deps.db, {
        actor: viewer.actor,
        action: 'export',
        subject: `tracer_respondents.${format}`,
        detail: { ...query.data, scope: viewer.scope.regionPrefix },
        at: asOf,
      })
      const rows = await listTracerRespondents(deps.db, {
        regionPrefix: viewer.scope.regionPrefix,
        programmeCode: query.data.program,
        asOf,
      })
      return download(c, {
        format,
        base: `penjawab-survei_${query.data.program}`,
        sheet: text('tracer.sheet'),
        separator: ';',
        timeZone: deps.timeZone,
        columns: tracerColumns(header),
        rows: once(rows),
      })
    })
  }
}

/** Rows already read, as the one batch the export writers take. */
async function* once<T>(rows: readonly T[]): AsyncIterable<readonly T[]> {
  yield rows
}
