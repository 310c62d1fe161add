import type { Logger } from 'pino'
import type { RegistryConfig } from '../registry/config.ts'
import { openRegistry } from '../registry/open.ts'
import { openTimeSeriesStore, type StoreConfig } from '../store/open.ts'

/** Opens what ingest and the API both read and write: the registry (with alerts) and the time-series store. */
export async function openStorage(config: StoreConfig & RegistryConfig, log: Logger) {
  const registry = await openRegistry(config, log)
  let store: Awaited<ReturnType<typeof openTimeSeriesStore>>
  try {
    store = await openTimeSeriesStore(config, log)
  } catch (err) {
    await registry.close()
    throw err
  }
  return {
    registry,
    store,
    async close() {
      await store.close()
      await registry.close()
    },
  }
}

export type Storage = Awaited<ReturnType<typeof openStorage>>
