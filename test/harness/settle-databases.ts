/**
 * @module vitest setup file of the projects that use databases: after each test file, waits for
 * its Postgres test databases to be dropped and drops the spare clone (`settleTestDatabases`), so
 * no file leaves work on the server for the next.
 */
import { afterAll } from 'vitest'
import { settleTestDatabases } from './db.js'

afterAll(settleTestDatabases)
