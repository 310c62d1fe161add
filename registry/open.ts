import { join } from 'node:path'
import type { Logger } from 'pino'
import type { RegistryConfig } from './config.ts'
import { openPostgresRegistry } from './postgres/registry.ts'
import { openSqliteRegistry } from './sqlite/registry.ts'
import type { RegistryDatabase } from './types.ts'

/** The registry's SQLite file, when QUANTRAC_REGISTRY_URL does not name a PostgreSQL database. */
export function sqliteRegistryPath(config: Pick<RegistryConfig, 'QUANTRAC_DATA_DIR'>): string {
  return join(config.QUANTRAC_DATA_DIR, 'registry.sqlite')
}

/** Opens PostgreSQL when QUANTRAC_REGISTRY_URL is set, otherwise the SQLite file under the data directory. */
export async function openRegistry(config: RegistryConfig, log: Logger): Promise<RegistryDatabase> {
  if (config.QUANTRAC_REGISTRY_URL === undefined) return openSqliteRegistry(sqliteRegistryPath(config))
  return openPostgresRegistry({
    url: config.QUANTRAC_REGISTRY_URL,
    poolSize: config.QUANTRAC_REGISTRY_POOL_SIZE,
    log: log.child({ component: 'registry' }),
  })
}
