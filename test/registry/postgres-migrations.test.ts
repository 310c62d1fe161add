import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from '../../registry/postgres/migrate.ts'
import { openPostgresRegistry, POSTGRES_MIGRATIONS } from '../../registry/postgres/registry.ts'
import { postgresBinaries, type RunningPostgres, startPostgres } from '../support/postgres.ts'

const missing = postgresBinaries() === undefined && process.env.CI !== 'true'

describe.skipIf(missing)(
  `the PostgreSQL registry's migrations${missing ? ' (skipped: PostgreSQL is not installed; Debian: apt-get install postgresql)' : ''}`,
  () => {
    let server: RunningPostgres
    let dir: string
    let pools: pg.Pool[]
    const pool = async () => {
      const opened = new pg.Pool({ connectionString: await server.createDatabase(), max: 2 })
      pools.push(opened)
      return opened
    }
    const versions = async (db: pg.Pool) =>
      (await db.query<{ version: number }>('SELECT version FROM schema_migration ORDER BY version')).rows.map(
        (row) => row.version,
      )
    const migrations = () => pathToFileURL(`${dir}/`)

    beforeAll(async () => {
      server = await startPostgres()
    }, 60_000)
    afterAll(() => server?.stop(), 30_000)
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'quantrac-migrations-'))
      pools = []
    })
    afterEach(async () => {
      for (const opened of pools) await opened.end()
      await rm(dir, { recursive: true, force: true })
    })

    it('applies the registry’s migrations once, recording each number', async () => {
      const db = await pool()
      const { applied } = await migrate(db, POSTGRES_MIGRATIONS)
      expect(applied[0]).toBe(1)
      expect(await versions(db)).toEqual(applied)
      expect(await migrate(db, POSTGRES_MIGRATIONS)).toEqual({ applied: [], unknown: [] })
    })

    it('applies a migration numbered below one already applied, as two branches landing out of order give', async () => {
      const db = await pool()
      await writeFile(join(dir, '001-a.sql'), 'CREATE TABLE a (x int);')
      await writeFile(join(dir, '003-c.sql'), 'CREATE TABLE c (x int);')
      expect((await migrate(db, migrations())).applied).toEqual([1, 3])
      await writeFile(join(dir, '002-b.sql'), 'CREATE TABLE b (x int);')
      expect((await migrate(db, migrations())).applied).toEqual([2])
      expect(await versions(db)).toEqual([1, 2, 3])
      // An older version opening it: it applies nothing and names what it does not know.
      await rm(join(dir, '003-c.sql'))
      expect(await migrate(db, migrations())).toEqual({ applied: [], unknown: [3] })
    })

    it('applies each migration once when several processes open a new database at the same moment', async () => {
      const first = await pool()
      const url = (first.options as { connectionString: string }).connectionString
      const others = [1, 2, 3].map(() => new pg.Pool({ connectionString: url, max: 1 }))
      pools.push(...others)
      await writeFile(join(dir, '001-a.sql'), 'CREATE TABLE a (x int); SELECT pg_sleep(0.2);')
      const results = await Promise.all([first, ...others].map((db) => migrate(db, migrations())))
      expect(results.flatMap((result) => result.applied)).toEqual([1])
    })

    it('leaves a failed migration unapplied and unrecorded, naming it', async () => {
      const db = await pool()
      await writeFile(join(dir, '001-a.sql'), 'CREATE TABLE a (x int);')
      await writeFile(join(dir, '002-bad.sql'), 'CREATE TABLE b (x int); SELECT * FROM nowhere;')
      await expect(migrate(db, migrations())).rejects.toThrow(/migration 002-bad\.sql failed: .*nowhere/)
      expect(await versions(db)).toEqual([1])
      const tables = await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'b'")
      expect(tables.rowCount).toBe(0)
    })

    it('counts sensors from before migration 003 as commissioned when they reported or cannot report', async () => {
      const db = await pool()
      for (const name of ['001-registry.sql', '002-account-tokens-totp.sql']) {
        await copyFile(new URL(name, POSTGRES_MIGRATIONS), join(dir, name))
      }
      await migrate(db, migrations())
      await db.query(
        `INSERT INTO facility (id, name, province, province_code, sector, profile, shifts)
         VALUES ('f', 'F', 'Hà Nội', '01', 'x', 'qcvn', '{}')`,
      )
      await db.query(
        `INSERT INTO sensor (id, facility_id, model, factors, secret_hash, last_seen_at)
         VALUES ('reported', 'f', 'm', '["noise"]', 'hash', 1000), ('history', 'f', 'm', '["noise"]', NULL, NULL),
           ('fitted', 'f', 'm', '["noise"]', 'hash', NULL)`,
      )
      const url = (db.options as { connectionString: string }).connectionString
      const registry = await openPostgresRegistry({ url, poolSize: 2, log: pino({ level: 'silent' }) })
      try {
        const state = async (id: string) => (await registry.getSensor(id))?.commissioning.commissionedAt
        expect(await state('reported')).toBe(0)
        expect(await state('history')).toBe(0)
        expect(await state('fitted')).toBeUndefined()
      } finally {
        await registry.close()
      }
    })

    it('refuses two migrations of one number', async () => {
      const db = await pool()
      await writeFile(join(dir, '001-a.sql'), 'SELECT 1;')
      await writeFile(join(dir, '001-b.sql'), 'SELECT 1;')
      await expect(migrate(db, migrations())).rejects.toThrow(
        'two migrations numbered 1: 001-a.sql, 001-b.sql',
      )
    })
  },
)
