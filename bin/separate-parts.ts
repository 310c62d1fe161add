import type { Logger } from 'pino'
import { ConfigError, parseEnv } from '../core/config.ts'
import { createLogger } from '../log/log.ts'
import { serveMetrics } from '../metrics/index.ts'
import type { BrokerConnection } from '../platform/options.ts'
import { createPlatform, type Platform, type PlatformConfig, platformConfig } from '../platform/platform.ts'
import { type CommandIo, parseCommandLine, processIo } from './args.ts'
import { ingestLockName, lockDataDir } from './data-lock.ts'
import { closeOnSignal } from './shutdown.ts'

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
function brokerConnection(config: PlatformConfig): BrokerConnection {
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
async function metricsListener(platform: Platform, log: Logger) {
  const config = platform.config
  if (config.QUANTRAC_METRICS_PORT === undefined) return undefined
  const listener = await serveMetrics(
    platform.metrics,
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
  const config = parseEnv(platformConfig, process.env)
  if (config.QUANTRAC_MQTT_USERNAME === undefined && !config.QUANTRAC_MQTT_ALLOW_ANONYMOUS) {
    throw new ConfigError(
      `invalid configuration:\n  ${CREDENTIALS_HELP}, are required, or ingest and the API cannot connect`,
    )
  }
  const log = createLogger(config.QUANTRAC_LOG_LEVEL)
  // Sensor credentials live in the registry; the broker only reads them.
  const platform = await createPlatform(config, { log, parts: ['broker'] })
  log.info(`MQTT broker on mqtt://${config.QUANTRAC_LISTEN_HOST}:${platform.broker?.port}`)
  const metrics = await metricsListener(platform, log)
  closeOnSignal(log, [...platform.closeSteps(), () => metrics?.close()])
  return -1
}

/** `quantrac ingest`: the ingest service, against the broker at QUANTRAC_MQTT_URL. */
export async function runIngest(argv: string[] = [], io: CommandIo = processIo): Promise<number> {
  const commandLine = parseCommandLine('ingest', INGEST_USAGE, argv, {}, io)
  if (commandLine.exitCode !== undefined) return commandLine.exitCode
  const config = parseEnv(platformConfig, process.env)
  const connection = brokerConnection(config)
  // One worker per spool: a second ingest with the same client id would take the first one's messages.
  const lock = lockDataDir(config.QUANTRAC_DATA_DIR, ingestLockName(config.QUANTRAC_INGEST_CLIENT_ID))
  const log = createLogger(config.QUANTRAC_LOG_LEVEL)
  const platform = await connecting(connection, () => createPlatform(config, { log, parts: ['ingest'] }))
  const metrics = await metricsListener(platform, log)
  closeOnSignal(log, [...platform.closeSteps(), () => metrics?.close(), () => lock.release()])
  return -1
}

/** `quantrac api`: the HTTP API and live feed. */
export async function runApi(argv: string[] = [], io: CommandIo = processIo): Promise<number> {
  const commandLine = parseCommandLine('api', API_USAGE, argv, {}, io)
  if (commandLine.exitCode !== undefined) return commandLine.exitCode
  const config = parseEnv(platformConfig, process.env)
  const connection = brokerConnection(config)
  const log = createLogger(config.QUANTRAC_LOG_LEVEL)
  const platform = await connecting(connection, () => createPlatform(config, { log, parts: ['api'] }))
  log.info(`API on ${platform.api?.url} (OpenAPI docs: ${platform.api?.url}/docs)`)
  closeOnSignal(log, platform.closeSteps())
  return -1
}
