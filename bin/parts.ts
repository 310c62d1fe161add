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
import { notifyEnv } from '../notify/config.ts'
import { openSqliteRegistry } from '../registry/sqlite/registry.ts'
import { storeEnv } from '../store/config.ts'
import { type CommandIo, parseCommandLine, processIo } from './args.ts'
import { lockDataDir } from './data-lock.ts'
import { createLogger } from './log.ts'
import { closeOnSignal, ingestLockName, openStorage } from './services.ts'
import {
  apiOptions,
  type BrokerConnection,
  brokerOptions,
  connectApiBrokerClient,
  ingestOptions,
  startNotifierFor,
} from './wiring.ts'

const CREDENTIALS_HELP =
  'QUANTRAC_MQTT_USERNAME and QUANTRAC_MQTT_PASSWORD: the services’ credentials, the same for broker, ingest and api'

const usage = (command: string, what: string, settings: string) => `usage: quantrac ${command} [--help]

${what}

Settings are QUANTRAC_* environment variables (README.md, Configuration):
${settings}
  ${CREDENTIALS_HELP}
  QUANTRAC_DATA_DIR    the registry shared by the parts (default ./data)`

const BROKER_USAGE = usage(
  'broker',
  'Runs the MQTT broker alone. Sensors connect with the credentials the registry issued them; ingest and\nthe API with the services’ credentials.',
  '  QUANTRAC_MQTT_PORT   the port to listen on (default 1883), on QUANTRAC_LISTEN_HOST (default 127.0.0.1)',
)
const INGEST_USAGE = usage(
  'ingest',
  'Runs ingest alone: takes sensor readings from the broker, checks them, stores them, raises alerts.',
  '  QUANTRAC_MQTT_URL    the broker (default mqtt://127.0.0.1:$QUANTRAC_MQTT_PORT, port 1883)\n' +
    '  QUANTRAC_INFLUX_URL  InfluxDB (default: the SQLite store in QUANTRAC_DATA_DIR)',
)
const API_USAGE = usage(
  'api',
  'Runs the HTTP API, the live feed and the live page alone.',
  '  QUANTRAC_HTTP_PORT   the port to listen on (default 8080)\n' +
    '  QUANTRAC_MQTT_URL    the broker (default mqtt://127.0.0.1:$QUANTRAC_MQTT_PORT, port 1883)\n' +
    '  QUANTRAC_INFLUX_URL  InfluxDB (default: the SQLite store in QUANTRAC_DATA_DIR)',
)

/** Where a part run alone finds the broker: QUANTRAC_MQTT_URL, else the embedded broker's port on this host. */
const brokerClientEnv = { QUANTRAC_MQTT_PORT: brokerEnv.QUANTRAC_MQTT_PORT }

function brokerConnection(config: {
  QUANTRAC_MQTT_URL?: string
  QUANTRAC_MQTT_PORT: number
  QUANTRAC_MQTT_USERNAME?: string
  QUANTRAC_MQTT_PASSWORD?: string
}): BrokerConnection {
  const external = config.QUANTRAC_MQTT_URL !== undefined
  // An external broker may let services in without credentials (an anonymous Mosquitto); quantrac's own never does.
  if (
    !external &&
    (config.QUANTRAC_MQTT_USERNAME === undefined || config.QUANTRAC_MQTT_PASSWORD === undefined)
  ) {
    throw new ConfigError(`invalid configuration:\n  ${CREDENTIALS_HELP}, are required`)
  }
  return {
    mqttUrl: config.QUANTRAC_MQTT_URL ?? `mqtt://127.0.0.1:${config.QUANTRAC_MQTT_PORT}`,
    username: config.QUANTRAC_MQTT_USERNAME,
    password: config.QUANTRAC_MQTT_PASSWORD,
  }
}

/** A broker that refuses or cannot be reached is a setting to fix: one line, not a stack trace. */
async function connecting<T>(connection: BrokerConnection, start: () => Promise<T>): Promise<T> {
  try {
    return await start()
  } catch (err) {
    const code = (err as { code?: unknown }).code
    const mqttFailure =
      code === 'ECONNREFUSED' ||
      code === 'ENOTFOUND' ||
      code === 'EHOSTUNREACH' ||
      /^Connection refused/.test((err as Error).message)
    if (!mqttFailure) throw err
    throw new ConfigError(
      `cannot connect to the MQTT broker at ${connection.mqttUrl}: ${(err as Error).message}. ` +
        'Is `quantrac broker` running there, with the same QUANTRAC_MQTT_USERNAME and QUANTRAC_MQTT_PASSWORD?',
    )
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
export async function runBroker(argv: string[] = [], io: CommandIo = processIo): Promise<number> {
  const commandLine = parseCommandLine('broker', BROKER_USAGE, argv, {}, io)
  if (commandLine.exitCode !== undefined) return commandLine.exitCode
  const config = parseEnv(z.object({ ...brokerEnv, ...storeEnv, ...metricsEnv }), process.env)
  if (config.QUANTRAC_MQTT_USERNAME === undefined && !config.QUANTRAC_MQTT_ALLOW_ANONYMOUS) {
    throw new ConfigError(
      `invalid configuration:\n  ${CREDENTIALS_HELP}, are required, or ingest and the API cannot connect`,
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
  log.info(`MQTT broker on mqtt://${config.QUANTRAC_LISTEN_HOST}:${broker.port}`)
  const metrics = await metricsListener(config, log)
  closeOnSignal(log, [() => broker.close(), () => metrics?.close(), () => registry.close()])
  return -1
}

/** `quantrac ingest`: the ingest service, against the broker at QUANTRAC_MQTT_URL. */
export async function runIngest(argv: string[] = [], io: CommandIo = processIo): Promise<number> {
  const commandLine = parseCommandLine('ingest', INGEST_USAGE, argv, {}, io)
  if (commandLine.exitCode !== undefined) return commandLine.exitCode
  const config = parseEnv(z.object({ ...ingestEnv, ...metricsEnv, ...brokerClientEnv }), process.env)
  const connection = brokerConnection(config)
  // One worker per spool: a second ingest with the same client id would take the first one's messages.
  const lock = lockDataDir(config.QUANTRAC_DATA_DIR, ingestLockName(config.QUANTRAC_INGEST_CLIENT_ID))
  const log = createLogger()
  const storage = await openStorage(config, log)
  const ingest = await connecting(connection, () =>
    startIngest(ingestOptions(config, storage, connection, log)),
  ).catch(async (err) => {
    await storage.close()
    throw err
  })
  const metrics = await metricsListener(config, log)
  closeOnSignal(log, [
    () => ingest.close(),
    () => metrics?.close(),
    () => storage.close(),
    () => lock.release(),
  ])
  return -1
}

/** `quantrac api`: the HTTP API and live feed. */
export async function runApi(argv: string[] = [], io: CommandIo = processIo): Promise<number> {
  const commandLine = parseCommandLine('api', API_USAGE, argv, {}, io)
  if (commandLine.exitCode !== undefined) return commandLine.exitCode
  const config = parseEnv(z.object({ ...apiEnv, ...notifyEnv, ...brokerClientEnv }), process.env)
  const connection = brokerConnection(config)
  const log = createLogger()
  const storage = await openStorage(config, log)
  let brokerClient: Awaited<ReturnType<typeof connectApiBrokerClient>>
  try {
    brokerClient = await connecting(connection, () => connectApiBrokerClient(connection, log))
  } catch (err) {
    await storage.close()
    throw err
  }
  const api = await startApi(apiOptions(config, storage, brokerClient, log))
  const notifier = await startNotifierFor(config, storage, api.url, log)
  log.info(`API on ${api.url} (OpenAPI docs: ${api.url}/docs)`)
  closeOnSignal(log, [
    () => api.close(),
    () => notifier?.close(),
    () => brokerClient.close(),
    () => storage.close(),
  ])
  return -1
}
