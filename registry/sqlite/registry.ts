import { DatabaseSync } from 'node:sqlite'
import { configureShared, migrate } from '../../sqlite/database.ts'
import { ensurePrivateFile, SQLITE_COMPANIONS } from '../../store/private-files.ts'
import type {
  AlertRepository,
  NotificationRepository,
  PartitionLeaseRepository,
  Registry,
  RejectionLog,
  StateRepository,
} from '../types.ts'
import { accountSecurityRepository } from './account-security.ts'
import { alertRepository, stateRepository } from './alerts.ts'
import { apiKeyRepository } from './api-keys.ts'
import { auditRepository } from './audit.ts'
import { campaignRepository } from './campaigns.ts'
import { facilityRepository } from './facilities.ts'
import { notificationRepository } from './notifications.ts'
import { partitionLeaseRepository } from './partition-leases.ts'
import { rejectionLog } from './rejections.ts'
import { sensorRepository } from './sensors.ts'
import { shiftRepository } from './shifts.ts'
import { userRepository } from './users.ts'

export type SqliteRegistry = Registry &
  AlertRepository &
  StateRepository &
  PartitionLeaseRepository &
  RejectionLog &
  NotificationRepository & { close(): void }

/**
 * The registry (with the audit trail), the alert register and ingest's saved state in one SQLite file under the data directory,
 * shared by the processes of one site (WAL). Numbered migrations in ./migrations.
 */
export function openSqliteRegistry(path: string): SqliteRegistry {
  ensurePrivateFile(path, SQLITE_COMPANIONS)
  const db = new DatabaseSync(path)
  configureShared(db)
  migrate(db, new URL('./migrations/', import.meta.url))
  const users = userRepository(db)
  return {
    ...facilityRepository(db),
    ...sensorRepository(db),
    ...apiKeyRepository(db),
    ...campaignRepository(db),
    ...alertRepository(db),
    ...auditRepository(db),
    ...stateRepository(db),
    ...partitionLeaseRepository(db),
    ...rejectionLog(db),
    ...shiftRepository(db),
    ...notificationRepository(db),
    ...users,
    ...accountSecurityRepository(db, users),
    close: () => db.close(),
  }
}
