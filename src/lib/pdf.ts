/**
 * pdfmake set up once for every PDF the server writes (the monthly recap, certificates, the
 * daftar hadir): the Roboto files shipped in the pdfmake package, read from disk, and no other file
 * or URL a document could name. Write PDFs through `renderPdf`, never with the package directly.
 * The package is loaded on the first PDF, not at start-up (it costs about 150 ms of every start).
 * @module
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js'

const fontDir = join(
  dirname(createRequire(import.meta.url).resolve('pdfmake/package.json')),
  'fonts',
  'Roboto'
)

async function loadPdfmake() {
  const { default: pdfmake } = await import('pdfmake')
  pdfmake.setFonts({
    Roboto: {
      normal: join(fontDir, 'Roboto-Regular.ttf'),
      bold: join(fontDir, 'Roboto-Medium.ttf'),
      italics: join(fontDir, 'Roboto-Italic.ttf'),
      bolditalics: join(fontDir, 'Roboto-MediumItalic.ttf'),
    },
  })
  pdfmake.setUrlAccessPolicy(() => false)
  pdfmake.setLocalAccessPolicy((path) => path.startsWith(fontDir))
  return pdfmake
}

let loaded: ReturnType<typeof loadPdfmake> | undefined

/** The document as PDF bytes. */
export async function renderPdf(doc: TDocumentDefinitions): Promise<Buffer> {
  loaded ??= loadPdfmake()
  return (await loaded).createPdf(doc).getBuffer()
}
