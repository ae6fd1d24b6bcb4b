/**
 * Baileys' `AuthenticationState` on our own key-value store, never the file store:
 * creds and Signal keys are rows, encoded with Baileys' `BufferJSON` so Buffers and Uint8Arrays
 * survive, each key batch written in one transaction. The values are the account itself: they
 * are never logged.
 * @module
 */
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  type SignalDataSet,
  type SignalDataTypeMap,
  initAuthCreds,
  proto,
} from '@whiskeysockets/baileys'
import type { AuthKeyValueStore } from './store.js'

const CREDS_KEY = 'creds'

/** A value → plain JSON with Buffers as `{ type: 'Buffer', data: <base64> }`. */
export const encodeAuthValue = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, BufferJSON.replacer)) as unknown

/** The reverse of `encodeAuthValue`. */
export const decodeAuthValue = <T>(value: unknown): T =>
  JSON.parse(JSON.stringify(value), BufferJSON.reviver) as T

export type StoredAuthState = {
  state: AuthenticationState
  /** Writes the current creds (call on every `creds.update`). */
  saveCreds: () => Promise<void>
  /** Whether creds were found (a paired, or half-paired, number). */
  existing: boolean
}

/** Loads the creds (or makes fresh ones) and wires the key store to `store`. */
export async function loadAuthState(store: AuthKeyValueStore): Promise<StoredAuthState> {
  const found = (await store.read([CREDS_KEY])).get(CREDS_KEY)
  const creds: AuthenticationCreds =
    found === undefined ? initAuthCreds() : decodeAuthValue<AuthenticationCreds>(found)
  return {
    existing: found !== undefined,
    state: {
      creds,
      keys: {
        async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
          const out: { [id: string]: SignalDataTypeMap[T] } = {}
          if (ids.length === 0) return out
          const rows = await store.read(ids.map((id) => `${type}:${id}`))
          for (const id of ids) {
            const raw = rows.get(`${type}:${id}`)
            if (raw === undefined) continue
            let value: unknown = decodeAuthValue(raw)
            if (type === 'app-state-sync-key' && value) {
              value = proto.Message.AppStateSyncKeyData.fromObject(value as object)
            }
            out[id] = value as SignalDataTypeMap[T]
          }
          return out
        },
        async set(data: SignalDataSet) {
          const puts: { key: string; value: unknown }[] = []
          const deletes: string[] = []
          for (const type of Object.keys(data) as (keyof SignalDataTypeMap)[]) {
            for (const [id, value] of Object.entries(data[type] ?? {})) {
              if (value) puts.push({ key: `${type}:${id}`, value: encodeAuthValue(value) })
              else deletes.push(`${type}:${id}`)
            }
          }
          if (puts.length > 0 || deletes.length > 0) await store.write(puts, deletes)
        },
      },
    },
    saveCreds: () => store.write([{ key: CREDS_KEY, value: encodeAuthValue(creds) }], []),
  }
}
