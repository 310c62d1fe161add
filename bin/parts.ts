import { join } from 'node:path'
import { z } from 'zod'
import { apiEnv } from '../api/config.ts'
import { startApi } from '../api/server.ts'
import { brokerEnv } from '../broker/config.ts'
import { startBroker } from '../broker/server.ts'
import { ConfigError, metricsEnv, parseEnv } from '../core/config.ts'
import { ingestEnv } from '../ingest/config.ts'
import { startIngest } from '../ingest/ingest.ts'
import { serveMetrics } from '../metrics/index.ts'
import { openSqliteRegistry } from '../registry/sqlite/registry.ts'
import { storeEnv } from '../store/config.ts'
import { createLogger } from './log.ts'
import { closeOnSignal, openStorage } from './services.ts'
import { apiOptions, brokerOptions, connectApiBrokerClient, ingestOptions } from './wiring.ts'

const LOCAL_BROKER = 'mqtt://127.0.0.1:1883'

function brokerConnection(config: {
  QUANTRAC_MQTT_URL?: string
  QUANTRAC_MQTT_USERNAME?: string
  QUANTRAC_MQTT_PASSWORD?: string
}) {
  return {
    mqttUrl: config.QUANTRAC_MQTT_URL ?? LOCAL_BROKER,
    username: config.QUANTRAC_MQTT_USERNAME,
    password: config.QUANTRAC_MQTT_PASSWORD,
  }
}

/** /metrics of a part run alone, when QUANTRAC_METRICS_PORT is set. */
async function metricsListener(
  config: { QUANTRAC_LISTEN_HOST: string; QUANTRAC_METRICS_PORT?: number; QUANTRAC_METRICS_TOKEN?: string },
  log: ReturnType<typeof createLogger>,
) {
  if (config.QUANTRAC_METRICS_PORT === undefined) return undefined
  const listener = await serveMetrics(
    config.QUANTRAC_LISTEN_HOST,
    config.QUANTRAC_METRICS_PORT,
    config.QUANTRAC_METRICS_TOKEN,
  )
  log.info(`metrics on http://${config.QUANTRAC_LISTEN_HOST}:${listener.port}/metrics`)
  return listener
}

/** `quantrac broker`: the MQTT broker alone. */
export async function runBroker(): Promise<number> {
  const config = parseEnv(z.object({ ...brokerEnv, ...storeEnv, ...metricsEnv }), process.env)
  if (config.QUANTRAC_MQTT_USERNAME === undefined && !config.QUANTRAC_MQTT_ALLOW_ANONYMOUS) {
    throw new ConfigError(
      "invalid configuration:\n  QUANTRAC_MQTT_USERNAME and QUANTRAC_MQTT_PASSWORD: the services' credentials are required, or ingest and the API cannot connect",
    )
  }
  const log = createLogger()
  // Sensor credentials live in the registry; the broker only reads them.
  const registry = openSqliteRegistry(join(config.QUANTRAC_DATA_DIR, 'registry.sqlite'))
  const broker = await startBroker(
    brokerOptions(config, {
      username: config.QUANTRAC_MQTT_USERNAME,
      password: config.QUANTRAC_MQTT_PASSWORD,
    }),
    registry,
    log.child({ component: 'broker' }),
  )
  const metrics = await metricsListener(config, log)
  closeOnSignal(log, [() => broker.close(), () => metrics?.close(), () => registry.close()])
  return -1
}

/** `quantrac ingest`: the ingest service, against the broker at QUANTRAC_MQTT_URL. */
export async function runIngest(): Promise<number> {
  const config = parseEnv(z.object({ ...ingestEnv, ...metricsEnv }), process.env)
  const log = createLogger()
  const storage = await openStorage(config, log)
  const ingest = await startIngest(ingestOptions(config, storage, brokerConnection(config), log))
  const metrics = await metricsListener(config, log)
  closeOnSignal(log, [() => ingest.close(), () => metrics?.close(), () => storage.close()])
  return -1
}

/** `quantrac api`: the HTTP API and live feed. */
export async function runApi(): Promise<number> {
  const config = parseEnv(z.object(apiEnv), process.env)
  const log = createLogger()
  const storage = await openStorage(config, log)
  const brokerClient = await connectApiBrokerClient(brokerConnection(config), log)
  const api = await startApi(apiOptions(config, storage, brokerClient, log))
  log.info(`API on ${api.url} (OpenAPI docs: ${api.url}/docs)`)
  closeOnSignal(log, [() => api.close(), () => brokerClient.close(), () => storage.close()])
  return -1
}
