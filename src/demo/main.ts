/** @module The entry of `npm run seed:demo` (the logic is in `seed-demo-cli.ts`). */
import { runSeedDemoCli } from './seed-demo-cli.js'

// A CLI entry reads only its two variables itself, like `npm run import`.
// eslint-disable-next-line no-restricted-properties
process.exitCode = await runSeedDemoCli(process.env)
