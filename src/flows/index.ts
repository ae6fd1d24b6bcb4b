import { createFlowRegistry } from '../engine/index.js'
import { approval } from './approval.js'
import { broadcast } from './broadcast.js'
import { checkin } from './checkin.js'
import { excuse } from './excuse.js'
import { followUp } from './follow-up.js'
import { mentorAttendance } from './mentor-attendance.js'
import { baseline } from './baseline.js'
import { kode } from './kode.js'
import { kompeten } from './kompeten.js'
import { sertifikat } from './sertifikat.js'
import { consent, consentGate } from './consent.js'
import { kenalan } from './kenalan.js'
import { login } from './login.js'
import { registration } from './registration.js'
import { schedule } from './schedule.js'
import { history } from './history.js'
import { referralOutcome } from './referral-outcome.js'
import { visitReport } from './visit-report.js'
import { poktanActivity } from './poktan-activity.js'

/**
 * Every flow the bot runs, in menu order. Adding a flow: one file, one line here, one locale
 * namespace, one transcript test.
 */
export const flows = [
  consent,
  visitReport,
  poktanActivity,
  history,
  referralOutcome,
  schedule,
  checkin,
  excuse,
  mentorAttendance,
  kode,
  kompeten,
  sertifikat,
  followUp,
  baseline,
  registration,
  approval,
  broadcast,
  login,
  kenalan,
]

export const flowRegistry = createFlowRegistry(flows, { gate: consentGate })
