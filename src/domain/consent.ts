/**
 * The privacy notice's version (DOMAIN decision 8, §7.10 item 2). Consent is recorded with it;
 * changing the notice's text in `locales/id/consent.json` means a new version here, and everyone
 * is asked again.
 */
export const NOTICE_VERSION = '2026-11-v1'
