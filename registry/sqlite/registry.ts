import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { configureShared, migrate } from '../../store/sqlite/database.ts'
import type { AlertRepository, Registry, StateRepository } from '../types.ts'
import { alertRepository, stateRepository } from './alerts.ts'
import { apiKeyRepository } from './api-keys.ts'
import { facilityRepository } from './facilities.ts'
import { sensorRepository } from './sensors.ts'

export type SqliteRegistry = Registry & AlertRepository & StateRepository & { close(): void }

/**
 * The registry, alert states and ingest's saved state in one SQLite file under the data directory,
 * shared by the processes of one site (WAL). Numbered migrations in ./migrations.
 */
export function openSqliteRegistry(path: string): SqliteRegistry {
  mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseSync(path)
  configureShared(db)
  migrate(db, new URL('./migrations/', import.meta.url))
  return {
    ...facilityRepository(db),
    ...sensorRepository(db),
    ...apiKeyRepository(db),
    ...alertRepository(db),
    ...stateRepository(db),
    close: () => db.close(),
  }
}
