import type { Logger } from 'pino'
import { RegistryUnavailableError } from '../errors.ts'
import type { RegistryDatabase } from '../types.ts'
import { accountSecurityRepository } from './account-security.ts'
import { alertRepository, stateRepository } from './alerts.ts'
import { apiKeyRepository } from './api-keys.ts'
import { auditRepository } from './audit.ts'
import { campaignRepository } from './campaigns.ts'
import { openPool, redactedUrl, registryError } from './database.ts'
import { facilityRepository } from './facilities.ts'
import { migrate } from './migrate.ts'
import { notificationRepository } from './notifications.ts'
import { partitionLeaseRepository } from './partition-leases.ts'
import { rejectionLog } from './rejections.ts'
import { sensorRepository } from './sensors.ts'
import { shiftRepository } from './shifts.ts'
import { userRepository } from './users.ts'

export const POSTGRES_MIGRATIONS = new URL('./migrations/', import.meta.url)
/** A worker's lease keeper runs one step at a time: one connection, and one to spare. */
const LEASE_POOL_SIZE = 2

export interface PostgresRegistrySettings {
  /** `postgres://user:password@host:port/database`, with `?sslmode=…` as libpq takes it. */
  url: string
  /** Connections this process holds at most. */
  poolSize: number
  log: Logger
}

export type PostgresRegistry = RegistryDatabase & { close(): Promise<void> }

/**
 * The registry, the alert register, ingest's saved state and the outbox in one PostgreSQL database that
 * every API and ingest instance shares: a pool of connections per process, the numbered migrations of
 * ./migrations applied on opening (each process may open first; the migration lock serialises them).
 */
export async function openPostgresRegistry({
  url,
  poolSize,
  log,
}: PostgresRegistrySettings): Promise<PostgresRegistry> {
  const pool = openPool({
    url,
    max: poolSize,
    onError: (err) =>
      log.warn({ err }, 'a PostgreSQL connection of the registry failed; the pool opens another'),
  })
  try {
    const { applied, unknown } = await migrate(pool, POSTGRES_MIGRATIONS)
    log.info({ url: redactedUrl(url), applied }, `registry in PostgreSQL at ${redactedUrl(url)}`)
    if (unknown.length > 0) {
      log.warn(
        { unknown },
        'the registry has migrations this version of quantrac does not know: a newer one ran on it',
      )
    }
  } catch (err) {
    await pool.end()
    throw new RegistryUnavailableError(
      `cannot open the registry in PostgreSQL at ${redactedUrl(url)}: ${(err as Error).message}`,
      { cause: err },
    )
  }
  // The leases on a pool of their own: a renewal must never wait behind the data work of the worker it
  // keeps alive (detections queue on the alert register's lock holding connections). Opened lazily, so a
  // process that holds no lease (the API) never connects it.
  const leasePool = openPool({
    url,
    max: LEASE_POOL_SIZE,
    onError: (err) =>
      log.warn({ err }, 'a PostgreSQL connection of the partition leases failed; the pool opens another'),
  })
  const users = userRepository(pool)
  return refusingNul({
    ...facilityRepository(pool),
    ...sensorRepository(pool),
    ...apiKeyRepository(pool),
    ...campaignRepository(pool),
    ...alertRepository(pool),
    ...auditRepository(pool),
    ...stateRepository(pool),
    ...partitionLeaseRepository(leasePool),
    ...rejectionLog(pool),
    ...shiftRepository(pool),
    ...notificationRepository(pool),
    ...users,
    ...accountSecurityRepository(pool, users),
    close: async () => {
      await Promise.all([pool.end(), leasePool.end()])
    },
  })
}

/**
 * Every method's refusal of text with NUL (which PostgreSQL cannot keep, wherever it comes from) as the
 * InvalidValueError the API answers 400 to, not a 500.
 */
function refusingNul<T extends object>(methods: T): T {
  const guarded: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(methods)) {
    guarded[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => unknown)(...args)
      } catch (err) {
        throw registryError(err, {})
      }
    }
  }
  return guarded as T
}
