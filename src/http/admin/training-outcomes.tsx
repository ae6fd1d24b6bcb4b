/**
 * Dashboard pages of the training's outcomes: a cohort's certificates in one PDF (a page per
 * graduate), for the reader's scope, audit-logged before the first byte, and the kompeten marks of
 * a finished cohort, which may complete its participants (docs/domain.md, decisions 9 and 18).
 * @module
 */
import type { Context, Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { z } from 'zod'
import { certificatesPdf } from '../../certificates/pdf.js'
import { recordAudit } from '../../db/queries/audit.js'
import { findCohortGrid } from '../../db/queries/admin-training.js'
import { listCertificates } from '../../db/queries/training-certificates.js'
import { markKompeten } from '../../db/queries/training-outcomes.js'
import { isLastSessionOver } from '../../db/queries/follow-up.js'
import { enrollments } from '../../db/schema/index.js'
import { completeCohortAndPlan } from '../../conversation/training-completion.js'
import { eq } from 'drizzle-orm'
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
  const missing = (c: Context<AdminEnv>, key: string) =>
    helpers.page(c, { title: t(key), children: <p>{t(key)}</p> }, 404)
  app.get('/pelatihan/:id/sertifikat.pdf', async (c) => {
    const viewer = c.get('viewer')
    const id = idSchema.safeParse(c.req.param('id'))
    const grid = id.success
      ? await findCohortGrid(deps.db, { scope: viewer.scope, cohortId: id.data })
      : undefined
    if (!grid) return missing(c, 'errors.notFound')
    const list = await listCertificates(deps.db, {
      cohortId: grid.cohort.id,
      regionPrefix: viewer.scope.regionPrefix,
    })
    if (list.length === 0) return missing(c, 'training.noCertificates')
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

  app.post('/pelatihan/:id/kompeten', async (c) => {
    const viewer = c.get('viewer')
    const id = idSchema.safeParse(c.req.param('id'))
    const grid = id.success
      ? await findCohortGrid(deps.db, { scope: viewer.scope, cohortId: id.data })
      : undefined
    if (!grid) return missing(c, 'errors.notFound')
    const body = await c.req.parseBody({ all: true })
    const ids = (value: unknown) =>
      z
        .array(idSchema)
        .max(500)
        .safeParse([value ?? []].flat()).data ?? []
    const assessed = new Set(ids(body.dinilai))
    const kompeten = new Set(ids(body.kompeten))
    const byPerson = new Map(
      (
        await deps.db
          .select({ id: enrollments.id, personId: enrollments.personId })
          .from(enrollments)
          .where(eq(enrollments.cohortId, grid.cohort.id))
      ).map((e) => [e.personId, e.id])
    )
    const pick = (set: Set<number>) =>
      [...set].flatMap((personId) => (byPerson.has(personId) ? [byPerson.get(personId)!] : []))
    const now = helpers.now()
    await deps.db.transaction(async (tx) => {
      await markKompeten(tx, {
        cohortId: grid.cohort.id,
        enrollmentIds: pick(assessed),
        kompeten: pick(new Set([...kompeten].filter((p) => assessed.has(p)))),
        byPersonId: viewer.personId,
        actor: viewer.actor,
        mentorOnly: false,
        at: now,
      })
      if (await isLastSessionOver(tx, { cohortId: grid.cohort.id, at: now })) {
        await completeCohortAndPlan(tx, deps, grid.cohort.id, now)
      }
    })
    return c.redirect(`/admin/pelatihan/${grid.cohort.id}#kompeten`, 303)
  })
}
