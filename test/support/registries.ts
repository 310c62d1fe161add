import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest'
import { openPostgresRegistry } from '../../registry/postgres/registry.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import type { RegistryDatabase } from '../../registry/types.ts'
import { postgresBinaries, type RunningPostgres, startPostgres } from './postgres.ts'

/** A registry opened on a fresh database of one backend. */
export interface OpenedRegistry {
  registry: RegistryDatabase
  /** Runs SQL on the database directly, as an older version or someone with access to it would. */
  sql(statement: string): Promise<void>
  /** Closes the registry and opens the same database again, as a restart does; the new one is `registry`. */
  reopen(): Promise<void>
  close(): Promise<void>
}

interface RegistryBackend {
  name: 'SQLite' | 'PostgreSQL'
  /** What is not installed for it to run here. */
  missing?: string
  start(): Promise<void>
  stop(): Promise<void>
  open(): Promise<OpenedRegistry>
}

function sqliteBackend(): RegistryBackend {
  return {
    name: 'SQLite',
    async start() {},
    async stop() {},
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'quantrac-registry-'))
      const path = join(dir, 'registry.sqlite')
      const opened: OpenedRegistry = {
        registry: openSqliteRegistry(path),
        async sql(statement) {
          const db = new DatabaseSync(path)
          try {
            db.exec(statement)
          } finally {
            db.close()
          }
        },
        async reopen() {
          await opened.registry.close()
          opened.registry = openSqliteRegistry(path)
        },
        async close() {
          await opened.registry.close()
          await rm(dir, { recursive: true, force: true })
        },
      }
      return opened
    },
  }
}

function postgresBackend(): RegistryBackend {
  let server: RunningPostgres | undefined
  const open = (url: string) => openPostgresRegistry({ url, poolSize: 4, log: pino({ level: 'silent' }) })
  return {
    name: 'PostgreSQL',
    missing:
      postgresBinaries() === undefined
        ? 'PostgreSQL is not installed (Debian: apt-get install postgresql)'
        : undefined,
    async start() {
      server = await startPostgres()
    },
    async stop() {
      await server?.stop()
    },
    async open() {
      const url = await server!.createDatabase()
      const opened: OpenedRegistry = {
        registry: await open(url),
        async sql(statement) {
          const client = new pg.Client(url)
          await client.connect()
          try {
            await client.query(statement)
          } finally {
            await client.end()
          }
        },
        async reopen() {
          await opened.registry.close()
          opened.registry = await open(url)
        },
        close: () => opened.registry.close() as Promise<void>,
      }
      return opened
    },
  }
}

/**
 * Declares `suite` once for each registry (SQLite, PostgreSQL), each test on a fresh database, so every
 * method keeps one contract on both. PostgreSQL not installed: skipped with the reason, except under
 * CI=true, where the missing server fails the run.
 */
export function describeEachRegistry(title: string, suite: (opened: () => OpenedRegistry) => void): void {
  for (const backend of [sqliteBackend(), postgresBackend()]) {
    const skip = backend.missing !== undefined && process.env.CI !== 'true'
    const name = `${title} on ${backend.name}${skip ? ` (skipped: ${backend.missing})` : ''}`
    describe.skipIf(skip)(name, () => {
      let opened: OpenedRegistry | undefined
      beforeAll(async () => {
        if (backend.missing !== undefined) throw new Error(`${backend.missing}; CI=true requires it`)
        await backend.start()
      }, 60_000)
      afterAll(() => backend.stop(), 30_000)
      beforeEach(async () => {
        opened = await backend.open()
      }, 30_000)
      afterEach(async () => {
        await opened?.close()
        opened = undefined
      })
      suite(() => opened!)
    })
  }
}
