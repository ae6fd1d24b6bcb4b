/**
 * A recap laid out for reading: the template's sections and rows with each cell's value, formula
 * and source in Indonesian, the checks as sentences, and the footer. The JSON answer, the XLSX and
 * the PDF are all written from this one shape, so they always say the same.
 * @module
 */
import type { TextRenderer } from '../messaging/render.js'
import { formatMonth } from '../i18n/format.js'
import type { DesaRecap, Figure, FigureSource } from './figures.js'

export type RenderedCell = {
  figure: string
  value: number | null
  formula: string
  source: FigureSource
  sourceLabel: string
} | null

export type RenderedRecap = {
  title: string
  templateVersion: string
  period: string
  periodLabel: string
  desa: { code: string; name: string }
  kecamatan: { code: string; name: string }
  sections: {
    id: string
    title: string
    columns: string[]
    rows: { label: string; cells: RenderedCell[] }[]
  }[]
  figures: Record<string, Exclude<RenderedCell, null>>
  checks: { code: string; figure: string; message: string }[]
  reports: { valid: number; waiting: number; returned: number; text: string }
  signatures: { role: 'ppkbd' | 'upt'; title: string; name: string | null }[]
  placeDate: string
  generatedAt: string
  verificationCode: string
  footer: string
  signed: { by: string; at: string; version: number; text: string } | null
}

export type RecapSignature = { by: string; at: Date; version: number }

/** Lays out a desa recap generated at `now` (and its signature when signed). */
export function renderRecap(
  recap: DesaRecap,
  deps: { i18n: TextRenderer; timeZone: string; now: Date; signature?: RecapSignature | null }
): RenderedRecap {
  const { i18n } = deps
  const cell = (id: string, figure: Figure): Exclude<RenderedCell, null> => ({
    figure: id,
    value: figure.value,
    formula: i18n.render(figure.formula),
    source: figure.source,
    sourceLabel: i18n.render({ key: `recap:source.${figure.source}` }),
  })
  const figures: Record<string, Exclude<RenderedCell, null>> = {}
  for (const [id, figure] of Object.entries(recap.figures)) figures[id] = cell(id, figure)
  const signature = deps.signature ?? null
  return {
    title: recap.template.title,
    templateVersion: recap.template.version,
    period: recap.period,
    periodLabel: formatMonth(`${recap.period}-01`, deps.timeZone),
    desa: recap.desa,
    kecamatan: recap.kecamatan,
    sections: recap.template.sections.map((section) => ({
      id: section.id,
      title: section.title,
      columns: section.columns,
      rows: section.rows.map((row) => ({
        label: row.label,
        cells: row.cells.map((id) => (id === null ? null : (figures[id] ?? null))),
      })),
    })),
    figures,
    checks: recap.checks.map((check) => ({
      code: check.code,
      figure: check.figure,
      message: i18n.render(check.message),
    })),
    reports: {
      ...recap.reports,
      text: i18n.render({ key: 'recap:doc.reports', params: recap.reports }),
    },
    signatures: recap.template.signatures.map((s) => ({
      role: s.role,
      title: s.title,
      name: recap.signers[s.role],
    })),
    placeDate: i18n.render({
      key: 'recap:doc.placeDate',
      params: { place: recap.desa.name, date: deps.now.toISOString() },
    }),
    generatedAt: deps.now.toISOString(),
    verificationCode: recap.verificationCode,
    footer: i18n.render({
      key: 'recap:doc.footer',
      params: { at: deps.now.toISOString(), code: recap.verificationCode },
    }),
    signed: signature && {
      by: signature.by,
      at: signature.at.toISOString(),
      version: signature.version,
      text: i18n.render({
        key: 'recap:doc.signed',
        params: {
          name: signature.by,
          at: signature.at.toISOString(),
          version: signature.version,
        },
      }),
    },
  }
}

/** A value as printed: Indonesian thousands separator, "-" for no data. */
export function printed(value: number | null): string {
  return value === null ? '-' : value.toLocaleString('id-ID')
}
