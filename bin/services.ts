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

/** Runs `close` functions in order on SIGINT or SIGTERM, then exits; a second signal exits at once. */
export function closeOnSignal(log: Logger, steps: (() => Promise<void> | void)[]): void {
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) process.exit(1)
    closing = true
    log.info({ signal }, 'shutting down')
    for (const step of steps) {
      try {
        await step()
      } catch (err) {
        log.error({ err }, 'error while shutting down')
      }
    }
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
}

/** The lock file of an ingest worker in the data directory: one per client id, as its spool is. */
export function ingestLockName(clientId: string): string {
  return `ingest-${clientId.replace(/[^\w.-]/g, '_')}.lock`
}
