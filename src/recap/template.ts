/**
 * The layout of the monthly recap as data (docs/domain.md, "Monthly recap"): a versioned template
 * of sections, their columns, and rows whose cells name the figure they show (`null`: an empty
 * cell). DPPKB changes a label or a row by editing the template file, not the code; the renderers
 * (JSON, XLSX, PDF) only walk it.
 * @module
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'

export const recapTemplateSchema = z
  .object({
    version: z.string().min(1),
    title: z.string().min(1),
    sections: z
      .array(
        z.object({
          id: z.string().min(1),
          title: z.string().min(1),
          columns: z.array(z.string().min(1)).min(1),
          rows: z
            .array(
              z.object({
                label: z.string().min(1),
                cells: z.array(z.string().min(1).nullable()),
              })
            )
            .min(1),
        })
      )
      .min(1),
    signatures: z.array(z.object({ role: z.enum(['ppkbd', 'upt']), title: z.string().min(1) })),
  })
  .superRefine((template, ctx) => {
    template.sections.forEach((section, s) =>
      section.rows.forEach((row, r) => {
        if (row.cells.length !== section.columns.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['sections', s, 'rows', r, 'cells'],
            message: `section ${section.id}, row "${row.label}": ${row.cells.length} cells for ${section.columns.length} columns`,
          })
        }
      })
    )
  })

export type RecapTemplate = z.infer<typeof recapTemplateSchema>

/** Reads and checks a template file (JSON). */
export function loadRecapTemplate(path: string | URL): RecapTemplate {
  return recapTemplateSchema.parse(JSON.parse(readFileSync(path, 'utf8')))
}

/** The R/I/PPKBD template in use. */
export const PPKBD_TEMPLATE: RecapTemplate = loadRecapTemplate(
  new URL('./templates/r-i-ppkbd.v1.json', import.meta.url)
)

/** Where a figure sits in a template: section, row label and column label, for check messages. */
export type CellPlace = { section: string; row: string; column: string }

/** The first cell showing `figureId`, or undefined when the template does not show it. */
export function placeOf(template: RecapTemplate, figureId: string): CellPlace | undefined {
  for (const section of template.sections) {
    for (const row of section.rows) {
      const at = row.cells.indexOf(figureId)
      if (at >= 0) return { section: section.id, row: row.label, column: section.columns[at]! }
    }
  }
  return undefined
}

/** Every figure a template shows, in reading order. */
export function figureIdsOf(template: RecapTemplate): string[] {
  return template.sections.flatMap((s) =>
    s.rows.flatMap((r) => r.cells.filter((c): c is string => c !== null))
  )
}
