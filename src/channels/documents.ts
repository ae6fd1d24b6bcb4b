/**
 * Documents a message carries (`media.kind === 'document'`): the outbox row names the file by a
 * reference (`certificate:<code>`) and the channel's sender reads its bytes when the message goes
 * out, through a reader the composition root injects (the certificates module draws the PDF from
 * the database), so no row holds a file and a resend carries the current one.
 * @module
 */

/** The bytes a document reference names now; `undefined` when there is no such document. */
export type ReadDocument = (ref: string) => Promise<Uint8Array | undefined>

/** The reference names no document (any more), or the channel was given no reader: not retried. */
export class DocumentGoneError extends Error {
  readonly code = 'DOCUMENT_GONE' as const

  constructor() {
    super('document not found')
    this.name = 'DocumentGoneError'
  }
}

/** The bytes of a document, or a `DocumentGoneError`. */
export async function documentBytes(read: ReadDocument | undefined, ref: string): Promise<Buffer> {
  const bytes = read ? await read(ref) : undefined
  if (bytes === undefined || bytes.length === 0) throw new DocumentGoneError()
  return Buffer.from(bytes)
}

/** The failure a sender reports for a `DocumentGoneError`: final, the message cannot be made. */
export const DOCUMENT_GONE = { ok: false, retryable: false, error: 'document not found' } as const
