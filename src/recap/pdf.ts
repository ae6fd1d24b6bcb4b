/**
 * The recap as a PDF (pdfmake: tables, page size and fonts declared as data, text kept as text so
 * it can be read back): F4 portrait, parts I-V as tables, the checks, the signature blocks of the
 * PPKBD and the head of the UPT with the place and date, and a footer on every page with the
 * generation time and the verification code. Fonts: see `src/lib/pdf.ts` (shipped in the pdfmake
 * package; nothing is fetched at run time).
 * @module
 */
import { renderPdf } from '../lib/pdf.js'
import type { Content, TDocumentDefinitions, TableCell } from 'pdfmake/interfaces.js'
import type { TextRenderer } from '../messaging/render.js'
import { type RenderedRecap, printed } from './render.js'

/** F4 (folio, 210 × 330 mm) in points. */
export const F4_PORTRAIT = { width: 595.28, height: 935.43 }

/** The PDF of a rendered recap, as bytes. */
export async function recapPdf(recap: RenderedRecap, i18n: TextRenderer): Promise<Buffer> {
  const text = (key: string) => i18n.render({ key: `recap:doc.${key}` })
  const header: Content = {
    table: {
      widths: [110, '*'],
      body: [
        [text('desa'), `${recap.desa.name} (${recap.desa.code})`],
        [text('kecamatan'), `${recap.kecamatan.name} (${recap.kecamatan.code})`],
        [text('period'), recap.periodLabel],
        [text('templateVersion'), recap.templateVersion],
      ],
    },
    layout: 'noBorders',
    margin: [0, 0, 0, 8],
  }
  const sections: Content[] = recap.sections.map((section) => {
    const body: TableCell[][] = [
      [
        { text: '', bold: true },
        ...section.columns.map((c) => ({ text: c, bold: true, alignment: 'center' as const })),
      ],
      ...section.rows.map((row) => [
        row.label,
        ...row.cells.map((cell) => ({
          text: cell === null ? '' : printed(cell.value),
          alignment: 'right' as const,
        })),
      ]),
    ]
    return {
      stack: [
        { text: section.title, bold: true, margin: [0, 8, 0, 3] },
        {
          table: { headerRows: 1, widths: ['*', ...section.columns.map(() => 70)], body },
          layout: 'lightHorizontalLines',
        },
      ],
      unbreakable: true,
    }
  })
  const checks: Content = {
    stack: [
      { text: recap.reports.text, margin: [0, 10, 0, 2] },
      recap.checks.length === 0
        ? { text: text('checksOk') }
        : { text: text('checksFailed'), bold: true },
      { ul: recap.checks.map((c) => c.message) },
      {
        text: recap.signed ? recap.signed.text : text('draft'),
        italics: true,
        margin: [0, 4, 0, 0],
      },
    ],
  }
  const signature = (s: RenderedRecap['signatures'][number], withPlace: boolean): Content => ({
    stack: [
      { text: withPlace ? recap.placeDate : ' ' },
      { text: s.title, bold: true },
      { text: ' ', margin: [0, 28, 0, 0] },
      {
        text: s.name
          ? i18n.render({ key: 'recap:doc.name', params: { name: s.name } })
          : text('unknownName'),
      },
    ],
    alignment: 'center',
  })
  const doc: TDocumentDefinitions = {
    pageSize: F4_PORTRAIT,
    pageOrientation: 'portrait',
    pageMargins: [40, 40, 40, 50],
    info: { title: `${recap.title} ${recap.desa.name} ${recap.period}`, creator: 'kaderbot' },
    defaultStyle: { font: 'Roboto', fontSize: 9 },
    content: [
      { text: recap.title, bold: true, fontSize: 12, alignment: 'center', margin: [0, 0, 0, 8] },
      header,
      ...sections,
      checks,
      {
        columns: recap.signatures.map((s, i) => signature(s, i === recap.signatures.length - 1)),
        margin: [0, 18, 0, 0],
        unbreakable: true,
      },
    ],
    footer: (page, pages) => ({
      text: `${recap.footer} · ${page}/${pages}`,
      fontSize: 7,
      alignment: 'center',
      margin: [40, 15, 40, 0],
    }),
  }
  return renderPdf(doc)
}
