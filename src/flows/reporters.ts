import type { FlowContext } from '../engine/index.js'

/**
 * Who reports home visits: an active cadre or supervisor whose region is a desa (families live
 * in a desa; a supervisor of a whole kecamatan has none of their own).
 */
export function isReporter(ctx: FlowContext): boolean {
  const person = ctx.snapshot.person
  return (
    person?.status === 'active' &&
    person.roles.some((role) => role === 'kader' || role === 'supervisor') &&
    person.regionCode.split('.').length === 4
  )
}
