/**
 * Dashboard pages of the training's outcomes: a cohort's certificates in one PDF (a page per
 * graduate), for the reader's scope, audit-logged before the first byte (docs/domain.md,
 * decisions 9 and 18).
 * @module
 */
import type { Context, Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { z } from 'zod'
import { certificatesPdf } from '../../certificates/pdf.js'
import { recordAudit } from '../../db/queries/admin.js'
import { findCohortGrid } from '../../db/queries/admin-training.js'
import { listCertificates } from '../../db/queries/training-certificates.js'
import type { AdminDeps, AdminEnv } from './context.js'

const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)

export function registerTrainingOutcomePages(
  app: Hono<AdminEnv>,
  deps: AdminDeps,
  helpers: {
    now: () => Date
    page: (
      c: Context<AdminEnv>,
      props: { title: string; children: JSX.Element },
      status?: 404
    ) => Promise<Response>
  }
): void {
  const t = (key: string) => deps.i18n.render({ key: `admin:${key}` })
  app.get('/pelatihan/:id/sertifikat.pdf', async (c) => {
    const viewer = c.get('viewer')
    const id = idSchema.safeParse(c.req.param('id'))
    const grid = id.success
      ? await findCohortGrid(deps.db, { scope: viewer.scope, cohortId: id.data })
      : undefined
    const missing = (key: string) =>
      helpers.page(c, { title: t(key), children: <p>{t(key)}</p> }, 404)
    if (!grid) return missing('errors.notFound')
    const list = await listCertificates(deps.db, {
      cohortId: grid.cohort.id,
      regionPrefix: viewer.scope.regionPrefix,
    })
    if (list.length === 0) return missing('training.noCertificates')
    await recordAudit(deps.db, {
      actor: viewer.actor,
      action: 'certificates_downloaded',
      subject: `cohort:${grid.cohort.id}`,
      detail: { count: list.length },
      at: helpers.now(),
    })
    const baseUrl = deps.publicUrl ?? new URL(c.req.url).origin
    const pdf = await certificatesPdf(list, deps.i18n, baseUrl)
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="sertifikat-${grid.cohort.code}.pdf"`,
    })
  })
}
