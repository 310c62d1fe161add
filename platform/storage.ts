import { join } from 'node:path'
import type { Logger } from 'pino'
import { openSqliteRegistry } from '../registry/sqlite/registry.ts'
import { openTimeSeriesStore, type StoreConfig } from '../store/open.ts'

/** Opens what ingest and the API both read and write: the registry (with alerts) and the time-series store. */
export async function openStorage(config: StoreConfig, log: Logger) {
  const registry = openSqliteRegistry(join(config.QUANTRAC_DATA_DIR, 'registry.sqlite'))
  const store = await openTimeSeriesStore(config, log)
  return {
    registry,
    store,
    async close() {
      await store.close()
      registry.close()
    },
  }
}

export type Storage = Awaited<ReturnType<typeof openStorage>>
