import { readdirSync, readFileSync } from 'node:fs'
import type pg from 'pg'

/** Any 64-bit number agreed by every process that migrates this database: "quantrac" in ASCII. */
const MIGRATION_LOCK = 0x7175616e74726163n

export interface Migration {
  version: number
  name: string
}

/** The numbered migrations (`001-name.sql`, …) of `dir`, in order; two files of one number are an error. */
export function migrationsIn(dir: URL): Migration[] {
  const found = readdirSync(dir)
    .filter((name) => /^\d{3}-[\w-]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 3)), name }))
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.version === found[i - 1]!.version)
      throw new Error(
        `two migrations numbered ${found[i]!.version}: ${found[i - 1]!.name}, ${found[i]!.name}`,
      )
  }
  return found
}

/**
 * Applies each migration of `dir` the database has not recorded in `schema_migration`, in order, each in its
 * own transaction with its record, up to `until` (all by default; a test of an upgrade stops earlier).
 * Applied numbers are kept one a row, not as a highest number: a migration that lands after a higher one
 * (numbers given to two branches at once) is still applied. A session-level advisory lock makes processes
 * that open one new database at the same moment (ingest and the API) apply each migration once.
 * Returns the numbers applied now, and those the database has that `dir` does not (a newer version ran).
 */
export async function migrate(
  pool: pg.Pool,
  dir: URL,
  until = Number.POSITIVE_INFINITY,
): Promise<{ applied: number[]; unknown: number[] }> {
  const migrations = migrationsIn(dir).filter((m) => m.version <= until)
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()])
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    const recorded = await client.query<{ version: number }>('SELECT version FROM schema_migration')
    const done = new Set(recorded.rows.map((row) => row.version))
    const applied: number[] = []
    for (const { version, name } of migrations) {
      if (done.has(version)) continue
      try {
        await client.query('BEGIN')
        await client.query(readFileSync(new URL(name, dir), 'utf8'))
        await client.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [version, name])
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw new Error(`migration ${name} failed: ${(err as Error).message}`, { cause: err })
      }
      applied.push(version)
    }
    const known = new Set(migrationsIn(dir).map((m) => m.version))
    return { applied, unknown: [...done].filter((version) => !known.has(version)).sort((a, b) => a - b) }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]).catch(() => {})
    client.release()
  }
}
