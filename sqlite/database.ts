/** SQLite conventions shared by the embedded stores: one file for several processes, numbered migrations, transactions. */
import { readdirSync, readFileSync } from 'node:fs'
import type { DatabaseSync } from 'node:sqlite'

/**
 * Applies the numbered migrations (`001-name.sql`, `002-…`) of `dir` that the database has not seen yet,
 * each in its own transaction, up to `until` (all by default; a test of an upgrade stops earlier). The
 * number of the last one applied is kept in `PRAGMA user_version`.
 */
export function migrate(db: DatabaseSync, dir: URL, until = Number.POSITIVE_INFINITY): number {
  const files = readdirSync(dir)
    .filter((name) => /^\d{3}-[\w-]+\.sql$/.test(name))
    .sort()
  for (const name of files) {
    const version = Number(name.slice(0, 3))
    if (version > until) break
    // The write lock first, then the version: ingest and the API opening a new file at the same moment
    // both read version 0 outside a transaction and both ran 001 ("table reading already exists").
    db.exec('BEGIN IMMEDIATE')
    try {
      if (userVersion(db) < version) {
        db.exec(readFileSync(new URL(name, dir), 'utf8'))
        db.exec(`PRAGMA user_version = ${version}`)
      }
      db.exec('COMMIT')
    } catch (err) {
      db.exec('ROLLBACK')
      throw new Error(`migration ${name} failed: ${(err as Error).message}`, { cause: err })
    }
  }
  return files.length
}

function userVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version
}

/** Opens a SQLite file for several processes (ingest and API) at once: WAL journal, waits on locks. */
export function configureShared(db: DatabaseSync): void {
  // First, so that switching to WAL waits for another process opening the file at the same moment
  // (ingest and api started together failed with "database is locked").
  db.exec('PRAGMA busy_timeout = 5000')
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec('PRAGMA foreign_keys = ON')
}

/**
 * Runs `work` in a transaction: all of it or none. `IMMEDIATE` takes the write lock at once, for work that
 * reads and then writes what another process may be writing: a deferred transaction would fail with
 * SQLITE_BUSY instead of waiting when the other process wrote in between.
 */
export function inTransaction<T>(
  db: DatabaseSync,
  work: () => T,
  mode: 'DEFERRED' | 'IMMEDIATE' = 'DEFERRED',
): T {
  db.exec(`BEGIN ${mode}`)
  try {
    const result = work()
    db.exec('COMMIT')
    return result
  } catch (err) {
    db.exec('ROLLBACK')
    throw err
  }
}
