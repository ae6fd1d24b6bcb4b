/**
 * Graduates' certificates as PDF (pdfmake, the library of the monthly recap; text kept as text so
 * it can be read back): A4 landscape, one page per certificate, with the name, programme, track,
 * kecamatan, dates, hours, the mentor's kompeten mark, the DPPKB signer from the programme's
 * settings, the verification code and a QR of the public verification page (pdfmake set up in
 * `src/lib/pdf.ts`).
 * @module
 */
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import type { TextRenderer } from '../messaging/render.js'
import type { CertificateData } from '../db/queries/training-certificates.js'
import { displayName } from '../domain/names.js'
import { renderPdf } from '../lib/pdf.js'

/** The public verification page of a code. */
export const verificationUrl = (baseUrl: string, code: string) =>
  `${baseUrl.replace(/\/+$/, '')}/verifikasi/${code}`

/** One certificate's page. */
function certificatePage(data: CertificateData, i18n: TextRenderer, baseUrl: string): Content[] {
  const t = (key: string, params?: Record<string, string | number>) =>
    i18n.render({ key: `certificate:${key}`, ...(params ? { params } : {}) })
  const url = verificationUrl(baseUrl, data.code)
  const mark = data.kompeten === null ? 'none' : data.kompeten ? 'yes' : 'no'
  const { settings } = data
  return [
    { text: t('title'), fontSize: 34, bold: true, alignment: 'center', margin: [0, 10, 0, 2] },
    { text: t('number', { code: data.code }), alignment: 'center', margin: [0, 0, 0, 14] },
    { text: t('givenTo'), alignment: 'center' },
    {
      text: displayName(data.name),
      fontSize: 26,
      bold: true,
      alignment: 'center',
      margin: [0, 6, 0, 10],
    },
    {
      text: [
        t('for', { programme: data.programmeName, track: t(`track.${data.track}`) }),
        '\n',
        t('cohort', { cohort: data.cohortCode, kecamatan: data.kecamatanName }),
        '\n',
        t('dates', { first: data.firstDate, last: data.lastDate }),
        '\n',
        t('hours', {
          attended: data.attended,
          held: data.held,
          hours: String(data.hours).replace('.', ','),
        }),
      ],
      alignment: 'center',
      lineHeight: 1.3,
    },
    ...(mark === 'none'
      ? []
      : [{ text: t(`kompeten.${mark}`), bold: true, alignment: 'center', margin: [0, 8, 0, 0] }]),
    {
      columns: [
        {
          width: 200,
          stack: [
            { qr: url, fit: 110 },
            { text: t('verify', { url }), fontSize: 8, margin: [0, 6, 0, 0] },
          ],
        },
        { width: '*', text: '' },
        {
          width: 300,
          alignment: 'center',
          stack: [
            { text: t('place', { date: data.issuedAt.toISOString() }) },
            { text: settings.certificateSignerTitle || t('signerTitle'), margin: [0, 2, 0, 50] },
            { text: settings.certificateSignerName || t('signerName'), bold: true },
            ...(settings.certificateSignerNip
              ? [{ text: t('nip', { nip: settings.certificateSignerNip }) }]
              : []),
          ],
        },
      ],
      margin: [0, 24, 0, 0],
    },
  ] as Content[]
}

/** The certificates as one PDF, a page each (a cohort's bulk download, or one graduate's). */
export async function certificatesPdf(
  list: CertificateData[],
  i18n: TextRenderer,
  baseUrl: string
): Promise<Buffer> {
  const content: Content[] = list.map((data, index) => ({
    stack: certificatePage(data, i18n, baseUrl),
    ...(index > 0 ? { pageBreak: 'before' as const } : {}),
  }))
  const doc: TDocumentDefinitions = {
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [50, 40, 50, 40],
    info: { title: i18n.render({ key: 'certificate:title' }) },
    defaultStyle: { font: 'Roboto', fontSize: 12 },
    content,
  }
  return renderPdf(doc)
}
