/**
 * @module `npm run seed:demo`: fills an empty database with the demo month (see `plan.ts`) so a
 * newcomer sees a living dashboard. Opens the database like the app and `npm run import`
 * (`DATABASE_URL`, else PGlite under `DATA_DIR`, default `./data`). Exit code 0 when the demo was
 * stored or was already there; 1 when the database holds other people (refused) or on an error.
 * Messages are printed in Indonesian with an English line, since newcomers may read either.
 */
import { createDb } from '../db/client.js'
import type { DbHandle } from '../db/client.js'
import { describeError } from '../lib/redact.js'
import { DemoRefusedError, seedDemo } from './write.js'

/** Runs the CLI; returns the process exit code. */
export async function runSeedDemoCli(env: NodeJS.ProcessEnv, now = new Date()): Promise<number> {
  let handle: DbHandle | undefined
  try {
    handle = await createDb({
      databaseUrl: env.DATABASE_URL?.trim() || undefined,
      dataDir: env.DATA_DIR?.trim() || './data',
    })
    const started = performance.now()
    const result = await seedDemo(handle.db, { now })
    if (result.action === 'already') {
      console.log(
        `Data demo sudah ada (bulan ${result.marker.period}); tidak ada yang diubah.\n` +
          `The demo data is already there (month ${result.marker.period}); nothing changed.`
      )
      return 0
    }
    const c = result.counts
    const o = result.plan.outcomes
    const ms = Math.round(performance.now() - started)
    console.log(
      [
        `Data demo bulan ${result.plan.period} tersimpan dalam ${ms} ms:`,
        `  ${c.cadres} kader, ${c.supervisors} supervisor, ${c.mentors} mentor, ${c.participants} peserta, 1 admin`,
        `  ${c.families} keluarga, ${c.visits} kunjungan, ${c.referrals} rujukan`,
        `  ${c.cohorts} kelompok, ${c.sessions} sesi, ${c.attendance} catatan kehadiran`,
        `  ${o.baselines.length} survei awal, ${o.graduates.length} lulusan bersertifikat, ` +
          `${o.followUps.filter((f) => f.status === 'answered').length} jawaban survei lanjutan`,
        `  1 siaran selesai ke ${c.broadcastRecipients} kader`,
        'Semua nomor telepon demo berada di rentang contoh 0812-0000-1xxx (bukan nomor sungguhan).',
        '',
        'Coba: npm start, buka http://localhost:3000/simulator dengan telepon 0812-0000-1000',
        '(admin demo Dewi Kartikasari), jawab Ya, kirim MASUK, lalu buka tautan di balasannya.',
        `The demo month ${result.plan.period} is stored; log in as above (see docs/operations/dashboard.md).`,
      ].join('\n')
    )
    return 0
  } catch (error) {
    if (error instanceof DemoRefusedError) {
      console.error(
        `Ditolak: basis data ini berisi ${error.people} orang yang bukan data demo. ` +
          'Data demo hanya diisikan ke basis data kosong (mis. DATA_DIR baru).\n' +
          `Refused: this database holds ${error.people} people who are not demo data. ` +
          'The demo only goes into an empty database (e.g. a new DATA_DIR).'
      )
      return 1
    }
    console.error(`seed:demo gagal / failed: ${describeError(error)}`)
    return 1
  } finally {
    await handle?.close()
  }
}
