import { join } from 'node:path'
import type { Logger } from 'pino'
import { createInfluxStore } from './influx/store.ts'
import { createSqliteStore } from './sqlite/store.ts'
import type { TimeSeriesStore } from './types.ts'

export interface StoreConfig {
  QUANTRAC_DATA_DIR: string
  QUANTRAC_INFLUX_URL?: string
  QUANTRAC_INFLUX_DATABASE: string
  QUANTRAC_INFLUX_TOKEN?: string
  QUANTRAC_INFLUX_ORG?: string
  QUANTRAC_INFLUX_USERNAME?: string
  QUANTRAC_INFLUX_PASSWORD?: string
}

/** Opens InfluxDB when configured, otherwise the embedded SQLite store, and says which in the log. */
export async function openTimeSeriesStore(config: StoreConfig, log: Logger): Promise<TimeSeriesStore> {
  if (config.QUANTRAC_INFLUX_URL === undefined) {
    const path = join(config.QUANTRAC_DATA_DIR, 'timeseries.sqlite')
    log.info(
      { path },
      `time series in the embedded SQLite store ${path} (set QUANTRAC_INFLUX_URL for InfluxDB)`,
    )
    return createSqliteStore(path)
  }
  const store = await createInfluxStore({
    url: config.QUANTRAC_INFLUX_URL,
    database: config.QUANTRAC_INFLUX_DATABASE,
    token: config.QUANTRAC_INFLUX_TOKEN,
    org: config.QUANTRAC_INFLUX_ORG,
    username: config.QUANTRAC_INFLUX_USERNAME,
    password: config.QUANTRAC_INFLUX_PASSWORD,
  })
  log.info(
    { url: config.QUANTRAC_INFLUX_URL, database: config.QUANTRAC_INFLUX_DATABASE },
    `time series in InfluxDB at ${config.QUANTRAC_INFLUX_URL}`,
  )
  return store
}
