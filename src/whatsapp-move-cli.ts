/**
 * @module `npm run whatsapp:move-to-cloud`: run once, with the bot stopped, when a deployment that
 * ran WhatsApp on Baileys switches to the Cloud API (docs/operations/channels.md). It moves each
 * chat to its `wa_id` (`db/queries/whatsapp-move.ts`) so people keep their consent, drafts and queued messages, and
 * prints what it did in counts. It reads the same environment as the bot and refuses while that
 * still selects Baileys (`WHATSAPP_ENABLED=true`). Exit code 0 when done (also when there was
 * nothing to move), 1 on a refusal or an error. Printed in Indonesian with an English line, like
 * `seed:demo`, since operators may read either.
 */
import { SERVICE_WINDOW_MS } from './channels/whatsapp-cloud/sender.js'
import { ConfigError, loadConfig } from './config.js'
import { type DbHandle, openDatabase } from './db/client.js'
import { type WhatsAppMoveReport, moveWhatsAppChatsToCloud } from './db/queries/whatsapp-move.js'
import { describeError } from './lib/redact.js'

/** The report, in Indonesian then English. */
export function formatMoveReport(r: WhatsAppMoveReport): string[] {
  return [
    'Pindah WhatsApp dari Baileys ke Cloud API selesai:',
    `  ${r.identities} identitas dipindah ke nomor WhatsApp-nya; ${r.merged} digabung (orangnya sudah menulis lewat Cloud API)`,
    `  ${r.conversations} percakapan dipindah (draf tetap ada); ${r.conversationsKept} dibiarkan (sudah ada percakapan di Cloud API)`,
    `  ${r.consents} catatan persetujuan dan ${r.queued} pesan dalam antrean ikut dipindah; ${r.contacts} nomor tercatat pernah menulis`,
    ...(r.conflicts > 0
      ? [`  ${r.conflicts} identitas dibiarkan: nomornya sudah terhubung ke orang lain`]
      : []),
    ...(r.unmapped > 0
      ? [
          `  ${r.unmapped} chat LID tanpa nomor dibiarkan: orangnya dikenali dari nomornya saat menulis lagi, lalu diminta persetujuan lagi`,
        ]
      : []),
    `Moved ${r.identities} identities (${r.merged} merged, ${r.conflicts} conflicts, ${r.unmapped} without a number), ` +
      `${r.conversations} conversations, ${r.consents} consents, ${r.queued} queued messages.`,
  ]
}

/** Runs the CLI; returns the process exit code. */
async function runWhatsAppMoveCli(env: NodeJS.ProcessEnv): Promise<number> {
  let handle: DbHandle | undefined
  try {
    const config = loadConfig(env)
    if (config.whatsapp?.transport === 'baileys') {
      console.error(
        'Ditolak: konfigurasi masih memakai Baileys (WHATSAPP_ENABLED=true). Ganti dulu ke Cloud API ' +
          '(WHATSAPP_CLOUD_*), lalu jalankan lagi.\n' +
          'Refused: the configuration still selects Baileys; switch it to the Cloud API first.'
      )
      return 1
    }
    handle = await openDatabase(config)
    const report = await moveWhatsAppChatsToCloud(handle.db, {
      now: new Date(),
      windowMs: SERVICE_WINDOW_MS,
    })
    for (const line of formatMoveReport(report)) console.log(line)
    return 0
  } catch (error) {
    console.error(
      error instanceof ConfigError
        ? error.message
        : `whatsapp:move-to-cloud gagal / failed: ${describeError(error)}`
    )
    return 1
  } finally {
    await handle?.close()
  }
}

// A CLI entry reads the environment the bot reads, through loadConfig.
// eslint-disable-next-line no-restricted-properties
process.exitCode = await runWhatsAppMoveCli(process.env)
