/**
 * A graduate's certificate by chat (docs/domain.md, decision 18): a message that carries the PDF
 * as a document, named in the outbox by `certificate:<code>` and drawn from the database when it
 * goes out (`readCertificateDocument`), so no outbox row holds a file and a resend carries the
 * certificate as it is then. The caption names the verification code (and the page, when the
 * public address is known).
 * @module
 */
import type { TextRenderer } from '../messaging/render.js'
import type { DbOrTx } from '../db/client.js'
import { listCertificates, normaliseCertificateCode } from '../db/queries/training-certificates.js'
import type { OutboundMessage } from '../domain/messages.js'
import { certificatesPdf, verificationUrl } from './pdf.js'

const REF_PREFIX = 'certificate:'

/** The outbox's reference to a certificate's PDF. */
export const certificateRef = (code: string) => `${REF_PREFIX}${code}`

/** The verification code a reference names, or `undefined` for any other reference. */
export function codeOfCertificateRef(ref: string): string | undefined {
  return ref.startsWith(REF_PREFIX)
    ? normaliseCertificateCode(ref.slice(REF_PREFIX.length))
    : undefined
}

/** The file name the person sees ("sertifikat-ABCDE-23456.pdf"). */
export const certificateFileName = (code: string) => `sertifikat-${code}.pdf`

/** The message that brings one certificate: its PDF with a short caption. */
export function certificateMessage(
  i18n: TextRenderer,
  params: { name: string; code: string; baseUrl?: string }
): OutboundMessage {
  const { name, code, baseUrl } = params
  const text = i18n.render({
    key: 'certificate:document',
    params: baseUrl
      ? { name, code, url: verificationUrl(baseUrl, code), context: 'url' }
      : { name, code },
  })
  return {
    text,
    media: {
      kind: 'document',
      ref: certificateRef(code),
      fileName: certificateFileName(code),
      mimeType: 'application/pdf',
    },
  }
}

export type CertificateDocumentDeps = {
  db: DbOrTx
  i18n: TextRenderer
  /** The public base URL the certificate's QR and verification line point at. */
  baseUrl: () => string | undefined
}

/**
 * The reader the channels' senders are given: the PDF a `certificate:<code>` reference names,
 * drawn now; `undefined` for another reference or a certificate that no longer stands (its
 * enrollment is no longer completed).
 */
export function readCertificateDocument(deps: CertificateDocumentDeps) {
  return async (ref: string): Promise<Uint8Array | undefined> => {
    const code = codeOfCertificateRef(ref)
    if (code === undefined) return undefined
    const list = await listCertificates(deps.db, { code })
    if (list.length === 0) return undefined
    return certificatesPdf(list, deps.i18n, deps.baseUrl() ?? '')
  }
}
