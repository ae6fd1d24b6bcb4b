/**
 * Dashboard downloads: the visit list and the attendance sheet (daftar hadir order) as CSV or
 * XLSX, for the signed-in viewer's scope. Rows stream from the shared keyset listings through the
 * shared export writers (`src/export/`), so the dashboard and `/api/v1/exports` write the same
 * columns; every download is audit-logged before its first byte (docs/domain.md, decision 9).
 * @module
 */
import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { recordAudit } from '../../db/queries/audit.js'
import { iterateDaftarHadirRows, iterateVisitRows } from '../../db/queries/listings.js'
import { chatSignature, daftarHadirColumns, visitColumns } from '../../export/datasets.js'
import { SASARAN } from '../../domain/visits.js'
import { download } from '../download.js'
import type { AdminDeps, AdminEnv } from './context.js'
import { idSchema, narrowScope, periodSchema, regionCodeSchema } from './view-helpers.js'

const visitsQuerySchema = z.object({
  bulan: periodSchema.optional(),
  kecamatan: regionCodeSchema.optional(),
  desa: regionCodeSchema.optional(),
  kader: idSchema.optional(),
  sasaran: z.enum(SASARAN).optional(),
})

const attendanceQuerySchema = z.object({
  bulan: periodSchema.optional(),
  kecamatan: regionCodeSchema.optional(),
  kelompok: z.string().trim().min(1).max(40).optional(),
})

/** Drops blank values, so an empty filter field means "all". */
function filled(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value.trim() !== ''))
}

/** The dashboard's download links for a filter set (query string as on the list page). */
export function exportLinks(kind: 'kunjungan' | 'daftar-hadir', query: string) {
  return {
    csv: `/admin/ekspor/${kind}.csv${query}`,
    xlsx: `/admin/ekspor/${kind}.xlsx${query}`,
  }
}

/** Adds the download routes to the dashboard app (after its session middleware). */
export function registerAdminExports(app: Hono<AdminEnv>, deps: AdminDeps): void {
  const header = (key: string) => deps.i18n.render({ key: `api:columns.${key}` })
  const sheet = (key: string) => deps.i18n.render({ key: `api:sheets.${key}` })
  const now = () => deps.clock?.() ?? new Date()
  const refuse = (c: Context, key: 'badExport' | 'notFound', status: 400 | 404) =>
    c.text(deps.i18n.render({ key: `admin:errors.${key}` }), status)

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/ekspor/kunjungan.${format}`, async (c) => {
      const viewer = c.get('viewer')
      const parsed = visitsQuerySchema.safeParse(filled(c.req.query()))
      if (!parsed.success) return refuse(c, 'badExport', 400)
      const query = parsed.data
      const region = query.desa ?? query.kecamatan
      if (narrowScope(viewer.scope.regionPrefix, region) === undefined) {
        return refuse(c, 'notFound', 404)
      }
      await recordAudit(deps.db, {
        actor: viewer.actor,
        action: 'export',
        subject: `visits.${format}`,
        detail: { ...query, scope: viewer.scope.regionPrefix },
        at: now(),
      })
      return download(c, {
        format,
        base: `kunjungan_${query.bulan ?? 'semua'}`,
        sheet: sheet('visits'),
        separator: ';',
        timeZone: deps.timeZone,
        columns: visitColumns(header),
        rows: iterateVisitRows(deps.db, {
          scope: viewer.scope,
          period: query.bulan,
          region,
          cadreId: query.kader,
          sasaran: query.sasaran,
          status: 'submitted',
        }),
      })
    })

    app.get(`/ekspor/daftar-hadir.${format}`, async (c) => {
      const viewer = c.get('viewer')
      const parsed = attendanceQuerySchema.safeParse(filled(c.req.query()))
      if (!parsed.success) return refuse(c, 'badExport', 400)
      const query = parsed.data
      if (narrowScope(viewer.scope.regionPrefix, query.kecamatan) === undefined) {
        return refuse(c, 'notFound', 404)
      }
      await recordAudit(deps.db, {
        actor: viewer.actor,
        action: 'export',
        subject: `attendance.${format}`,
        detail: { ...query, scope: viewer.scope.regionPrefix },
        at: now(),
      })
      return download(c, {
        format,
        base: `daftar-hadir_${query.kelompok ?? query.bulan ?? 'semua'}`,
        sheet: sheet('attendance'),
        separator: ';',
        timeZone: deps.timeZone,
        columns: daftarHadirColumns(header, chatSignature(deps.i18n, deps.timeZone)),
        rows: iterateDaftarHadirRows(deps.db, {
          scope: viewer.scope,
          period: query.bulan,
          region: query.kecamatan,
          cohort: query.kelompok,
        }),
      })
    })
  }
}
