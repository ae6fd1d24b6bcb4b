/**
 * Loads what the flows of one turn may read (STYLE §6.6 §1): who is talking (recognised by chat
 * identity, or by the phone the messenger gave, which then links the identity), whether this chat
 * consented to the current notice, whom to call for help, and a supervisor's pending registrations.
 * @module
 */
import type { ChannelName } from '../channels/types.js'
import type { DbOrTx } from '../db/client.js'
import {
  findLatestConsent,
  findPersonByIdentity,
  findPersonByPhone,
  linkIdentity,
  listPendingRegistrations,
  listSupervisorsCovering,
} from '../db/queries/people.js'
import { NOTICE_VERSION } from '../domain/consent.js'
import type { PersonSnapshot } from '../domain/people.js'
import type { RegionDirectory } from '../domain/regions.js'
import type { Snapshot } from '../domain/snapshot.js'

export type LoadSnapshotParams = {
  channel: ChannelName
  senderId: string
  /** E.164, when the platform gave it with this message. */
  phone?: string
  directory: RegionDirectory
  /** The programme's help line, for people without a supervisor (a setting). */
  helpLine: string
}

/** Channels that do not tell the bot the sender's phone number unless they share it. */
const PHONE_HIDDEN_CHANNELS: ReadonlySet<ChannelName> = new Set(['telegram'])

export async function loadSnapshot(tx: DbOrTx, params: LoadSnapshotParams): Promise<Snapshot> {
  const { channel, senderId, directory } = params
  let person = await findPersonByIdentity(tx, { channel, externalId: senderId })
  if (!person && params.phone) {
    person = await findPersonByPhone(tx, params.phone)
    if (person) await linkIdentity(tx, { personId: person.id, channel, externalId: senderId })
  }
  const consent = await findLatestConsent(tx, { channel, senderId })
  const snapshot: Snapshot = {
    person: person ? toSnapshot(person) : null,
    consented: consent?.given === true && consent.noticeVersion === NOTICE_VERSION,
    helpContact: params.helpLine,
    pendingRegistrations: [],
    lookups: {},
    ...directory,
  }
  if (!person && !params.phone && PHONE_HIDDEN_CHANNELS.has(channel)) snapshot.askPhone = true
  if (!person || person.status === 'rejected') return snapshot

  const supervisors = await listSupervisorsCovering(tx, person.regionCode)
  const helper = supervisors.find((s) => s.id !== person.id && s.roles.includes('supervisor'))
  if (helper) snapshot.helpContact = `${helper.name}${helper.phone ? ` (${helper.phone})` : ''}`

  const decides = person.roles.includes('supervisor') || person.roles.includes('admin')
  if (decides && person.status === 'active') {
    const pending = await listPendingRegistrations(tx, { scopeCode: person.regionCode })
    snapshot.pendingRegistrations = pending.map((p) => ({
      personId: p.id,
      name: p.name,
      // The query already joined the desa and its kecamatan.
      desaName: p.regionName,
      kecamatanName: p.parentRegionName ?? '',
      cadreTier: p.cadreTier,
    }))
  }
  return snapshot
}

function toSnapshot(person: {
  id: number
  name: string
  roles: PersonSnapshot['roles']
  regionCode: string
  status: PersonSnapshot['status']
}): PersonSnapshot {
  const { id, name, roles, regionCode, status } = person
  return { id, name, roles, regionCode, status }
}
