/**
 * The privacy notice's version (docs/domain.md, decision 8, and #privacy). Consent is recorded with
 * it; changing the notice's text in `locales/id/consent.json` means a new version here, and
 * everyone is asked again.
 */
export const NOTICE_VERSION = '2026-11-v1'

/** A chat's latest answer to the privacy notice (a row of `consents`). */
export type ConsentAnswer = { given: boolean; noticeVersion: string }

/**
 * Where a chat stands with the current notice: `given` (it may be served and written to),
 * `refused` (it declined this very notice), `unanswered` (never asked, or it answered an older
 * notice and is asked again).
 */
export type ConsentState = 'given' | 'refused' | 'unanswered'

/** The state a chat's latest answer puts it in (no answer: `unanswered`). */
export function consentState(latest: ConsentAnswer | null | undefined): ConsentState {
  if (!latest || latest.noticeVersion !== NOTICE_VERSION) return 'unanswered'
  return latest.given ? 'given' : 'refused'
}

/**
 * Consent refused means silence (docs/domain.md, decision 21; docs/design.md P6): a chat gets
 * nothing that is not its own conversation (a reminder, nudge, broadcast, survey invitation,
 * another person's notice) unless its latest answer accepted the current notice. The one rule every
 * sending path obeys: the outbox sender and the recipient queries use its SQL form,
 * `chatHasCurrentConsent` in `db/queries/consent.ts`.
 */
export function hasCurrentConsent(latest: ConsentAnswer | null | undefined): boolean {
  return consentState(latest) === 'given'
}
