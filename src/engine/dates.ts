/**
 * Date helpers for flows' validation rules ("not in the future", "at most 31 days ago"), on
 * calendar dates in the conversation's time zone, as the YYYY-MM-DD strings date steps store.
 * They are the app's one dates module (`domain/dates.ts`), so a flow and a scheduler job agree on
 * what today is.
 * @module
 */
export { addDays, today } from '../domain/dates.js'
