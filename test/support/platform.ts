import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startApi } from '../../api/server.ts'
import { startBroker } from '../../broker/server.ts'
import { READINGS_SUBSCRIPTION } from '../../core/topics.ts'
import { startIngest } from '../../ingest/ingest.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import { createInfluxStore } from '../../store/influx/store.ts'
import { createSqliteStore } from '../../store/sqlite/store.ts'
import type { TimeSeriesStore } from '../../store/types.ts'

export interface PlatformOptions {
  /** InfluxDB 1.x URL; the embedded SQLite store when omitted. */
  influxUrl?: string
  /** An external broker (e.g. Mosquitto); the embedded aedes broker when omitted. */
  mqttUrl?: string
  flushIntervalMs?: number
}

/**
 * The whole platform in this process, on free ports and a temporary data directory, as `quantrac start`
 * wires it (without the demo simulators): for integration tests.
 */
export async function startPlatform(options: PlatformOptions = {}) {
  const log = pino({ level: process.env.QUANTRAC_TEST_LOG ?? 'silent' })
  const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-test-'))
  const registry = openSqliteRegistry(join(dataDir, 'registry.sqlite'))
  const database = `quantrac_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  const store: TimeSeriesStore = options.influxUrl
    ? await createInfluxStore({ url: options.influxUrl, database })
    : createSqliteStore(join(dataDir, 'timeseries.sqlite'))
  const broker =
    options.mqttUrl === undefined
      ? await startBroker({ host: '127.0.0.1', port: 0, maxPayloadBytes: 16_384, allowAnonymous: true }, log)
      : undefined
  const mqttUrl = options.mqttUrl ?? `mqtt://127.0.0.1:${broker!.port}`
  const startIngestHere = () =>
    startIngest({
      mqttUrl,
      subscription: READINGS_SUBSCRIPTION,
      maxPayloadBytes: 16_384,
      batchSize: 1000,
      flushIntervalMs: options.flushIntervalMs ?? 100,
      store,
      registry,
      alerts: registry,
      state: registry,
      log,
    })
  let ingest = await startIngestHere()
  const api = await startApi({
    host: '127.0.0.1',
    port: 0,
    store,
    registry,
    alerts: registry,
    live: { mqttUrl },
    log,
  })
  return {
    mqttUrl,
    apiUrl: api.url,
    database,
    registry,
    store,
    get ingest() {
      return ingest
    },
    broker,
    /** Stops ingest as SIGTERM would and starts a new one on the same registry and store. */
    async restartIngest() {
      await ingest.close()
      ingest = await startIngestHere()
    },
    async stop() {
      await api.close()
      await ingest.close()
      await broker?.close()
      await store.close()
      registry.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export type Platform = Awaited<ReturnType<typeof startPlatform>>
