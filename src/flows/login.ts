/**
 * "Masuk": an admin or supervisor asks for a dashboard login link. No questions: the runtime
 * makes a one-time link (10 minutes, single use) and sends it to this chat only, so the chat
 * identity is the proof of who logs in.
 * @module
 */
import { defineFlow } from '../engine/index.js'
import type { FlowContext } from '../engine/index.js'

/** Active admins and supervisors may open the dashboard. */
const mayLogIn = (ctx: FlowContext) =>
  ctx.snapshot.person?.status === 'active' &&
  ctx.snapshot.person.roles.some((role) => role === 'supervisor' || role === 'admin')

export const login = defineFlow({
  id: 'login',
  version: 1,
  commands: ['masuk', 'login', 'dasbor'],
  confirm: false,
  // Typed, not offered: the menus stay as they are; BANTUAN and the dashboard's login page say it.
  inMenu: false,
  allowed: mayLogIn,
  steps: [],
  complete: () => ({ effects: [{ type: 'login_link_requested' }], reply: { texts: [] } }),
})
