import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSecureContext } from 'node:tls'
import type { Logger } from 'pino'
import { z } from 'zod'
import { type BrokerClient, connectBrokerClient } from '../api/broker-client.ts'
import { apiEnv, apiSettings } from '../api/config.ts'
import type { ApiOptions } from '../api/server.ts'
import { brokerEnv } from '../broker/config.ts'
import type { BrokerOptions, RunningBroker } from '../broker/server.ts'
import { ConfigError } from '../core/config.ts'
import { ingestEnv } from '../ingest/config.ts'
import type { IngestOptions } from '../ingest/ingest.ts'
import { embeddedBrokerLink } from '../ingest/link/embedded.ts'
import type { BrokerLink } from '../ingest/link/link.ts'
import { mqttLink } from '../ingest/link/mqtt.ts'
import { isPartitionClientId } from '../ingest/partitions/sessions.ts'
import type { MetricsRegistry } from '../metrics/index.ts'
import { type NotifySettings, notifyEnv, notifySettings } from '../notify/config.ts'
import { startNotifier } from '../notify/notifier.ts'
import type { Storage } from './storage.ts'

const brokerConfig = z.object(brokerEnv)
const ingestConfig = z.object(ingestEnv)
const apiConfig = z.object(apiEnv)
const notifyConfig = z.object(notifyEnv)

/** How a service reaches the broker: its URL and the services' credentials. */
export interface BrokerConnection {
  mqttUrl: string
  username?: string
  password?: string
}

/** The options of each part, from its validated configuration: one place for `start` and the separate commands. */
export function brokerOptions(
  config: z.infer<typeof brokerConfig>,
  service: Omit<BrokerConnection, 'mqttUrl'>,
): BrokerOptions {
  const tls = tlsListener(config)
  return {
    host: config.QUANTRAC_LISTEN_HOST,
    port: config.QUANTRAC_MQTT_PORT,
    maxPayloadBytes: config.QUANTRAC_MQTT_MAX_PAYLOAD_BYTES,
    maxPacketBytes: config.QUANTRAC_MQTT_MAX_PACKET_BYTES,
    awaitIngest: true,
    allowAnonymous: config.QUANTRAC_MQTT_ALLOW_ANONYMOUS,
    serviceUsername: service.username,
    servicePassword: service.password,
    sensorRateLimit: {
      ratePerSecond: config.QUANTRAC_SENSOR_RATE_LIMIT,
      burst: config.QUANTRAC_SENSOR_BURST,
    },
    loginThrottle: {
      failuresPerAddress: config.QUANTRAC_MQTT_LOGIN_FAILURES_PER_ADDRESS,
      failuresPerUsername: config.QUANTRAC_MQTT_LOGIN_FAILURES_PER_USERNAME,
      windowMs: config.QUANTRAC_MQTT_LOGIN_WINDOW_S * 1000,
    },
    maxConnectionsPerUser: config.QUANTRAC_MQTT_MAX_CONNECTIONS_PER_USER,
    tls,
    websocket: webSocketListener(config, tls),
  }
}

/** The WebSocket listener's settings: none without a port; wss:// with the TLS listener's certificate. */
function webSocketListener(
  config: z.infer<typeof brokerConfig>,
  tls: BrokerOptions['tls'],
): BrokerOptions['websocket'] {
  const port = config.QUANTRAC_MQTT_WS_PORT
  if (config.QUANTRAC_MQTT_WS_TLS && tls === undefined) {
    throw new ConfigError(
      'invalid configuration:\n  QUANTRAC_MQTT_WS_TLS: MQTT over secure WebSocket needs QUANTRAC_MQTT_TLS_CERT and QUANTRAC_MQTT_TLS_KEY',
    )
  }
  if (port === undefined) return undefined
  return {
    host: config.QUANTRAC_MQTT_WS_HOST ?? config.QUANTRAC_LISTEN_HOST,
    port,
    path: '/mqtt',
    tls: config.QUANTRAC_MQTT_WS_TLS && tls !== undefined ? { cert: tls.cert, key: tls.key } : undefined,
  }
}

/** The TLS listener's settings, with its certificate and key read now: a bad path stops the start. */
function tlsListener(config: z.infer<typeof brokerConfig>): BrokerOptions['tls'] {
  const { QUANTRAC_MQTT_TLS_CERT: certPath, QUANTRAC_MQTT_TLS_KEY: keyPath } = config
  if (certPath === undefined && keyPath === undefined) return undefined
  if (certPath === undefined || keyPath === undefined) {
    throw new ConfigError(
      'invalid configuration:\n  QUANTRAC_MQTT_TLS_CERT and QUANTRAC_MQTT_TLS_KEY: MQTT over TLS needs both',
    )
  }
  const read = (setting: string, path: string) => {
    try {
      return readFileSync(path)
    } catch (err) {
      throw new ConfigError(
        `invalid configuration:\n  ${setting}: cannot read ${path} (${(err as Error).message})`,
      )
    }
  }
  const cert = read('QUANTRAC_MQTT_TLS_CERT', certPath)
  const key = read('QUANTRAC_MQTT_TLS_KEY', keyPath)
  try {
    createSecureContext({ cert, key })
  } catch (err) {
    throw new ConfigError(
      `invalid configuration:\n  QUANTRAC_MQTT_TLS_CERT and QUANTRAC_MQTT_TLS_KEY: not a certificate and its key in PEM (${(err as Error).message})`,
    )
  }
  return {
    host: config.QUANTRAC_MQTT_TLS_HOST ?? config.QUANTRAC_LISTEN_HOST,
    port: config.QUANTRAC_MQTT_TLS_PORT,
    cert,
    key,
  }
}

/**
 * Ingest's link to its broker: in memory when the embedded broker runs in the same process (`quantrac
 * start`), over MQTT otherwise (a broker run apart, Mosquitto, EMQX).
 */
export function ingestLink(
  config: z.infer<typeof ingestConfig>,
  broker: BrokerConnection | RunningBroker,
  log: Logger,
): BrokerLink {
  if ('takeReadings' in broker) return embeddedBrokerLink(broker, config.QUANTRAC_INGEST_SUBSCRIPTION)
  return mqttLink({
    url: broker.mqttUrl,
    username: broker.username,
    password: broker.password,
    clientId: config.QUANTRAC_INGEST_CLIENT_ID,
    // A partitioned worker's readings come through its partitions' sessions.
    subscription: config.QUANTRAC_INGEST_PARTITIONED ? undefined : config.QUANTRAC_INGEST_SUBSCRIPTION,
    log,
  })
}

/** A partitioned worker's settings: its sessions are on the external broker, its leases in the registry. */
function partitionedIngest(
  config: z.infer<typeof ingestConfig>,
  storage: Storage,
  broker: BrokerConnection | RunningBroker,
): IngestOptions['partitioned'] {
  if (!config.QUANTRAC_INGEST_PARTITIONED) return undefined
  if ('takeReadings' in broker) {
    throw new ConfigError(
      'invalid configuration:\n  QUANTRAC_INGEST_PARTITIONED: partitioned workers share an external broker: set QUANTRAC_MQTT_URL',
    )
  }
  if (isPartitionClientId(config.QUANTRAC_INGEST_CLIENT_ID)) {
    throw new ConfigError(
      `invalid configuration:\n  QUANTRAC_INGEST_CLIENT_ID: ${config.QUANTRAC_INGEST_CLIENT_ID} is the client id of a partition's session; name the worker otherwise (quantrac-ingest-1…)`,
    )
  }
  return {
    broker: { url: broker.mqttUrl, username: broker.username, password: broker.password },
    leases: storage.registry,
    leaseMs: config.QUANTRAC_INGEST_LEASE_MS,
  }
}

export function ingestOptions(
  config: z.infer<typeof ingestConfig>,
  storage: Storage,
  broker: BrokerConnection | RunningBroker,
  log: Logger,
): Omit<IngestOptions, 'metrics'> {
  const ingestLog = log.child({ component: 'ingest' })
  return {
    link: ingestLink(config, broker, ingestLog),
    partitioned: partitionedIngest(config, storage, broker),
    maxPayloadBytes: config.QUANTRAC_MQTT_MAX_PAYLOAD_BYTES,
    batchSize: config.QUANTRAC_BATCH_SIZE,
    flushIntervalMs: config.QUANTRAC_FLUSH_INTERVAL_MS,
    store: storage.store,
    registry: storage.registry,
    alerts: storage.registry,
    state: storage.registry,
    rejectionLog: storage.registry,
    log: ingestLog,
    spoolDir: join(config.QUANTRAC_DATA_DIR, 'spool'),
    spoolMaxBytes: config.QUANTRAC_SPOOL_MAX_BYTES,
    commitIntervalMs: config.QUANTRAC_SPOOL_COMMIT_MS,
    clientId: config.QUANTRAC_INGEST_CLIENT_ID,
    sensorRateLimit: {
      ratePerSecond: config.QUANTRAC_SENSOR_RATE_LIMIT,
      burst: config.QUANTRAC_SENSOR_BURST,
    },
  }
}

export function apiOptions(
  config: z.infer<typeof apiConfig>,
  storage: Storage,
  broker: BrokerClient,
  log: Logger,
  metrics: MetricsRegistry,
): ApiOptions {
  return {
    host: config.QUANTRAC_LISTEN_HOST,
    port: config.QUANTRAC_HTTP_PORT,
    store: storage.store,
    registry: storage.registry,
    alerts: storage.registry,
    rejections: storage.registry,
    notifications: storage.registry,
    broker,
    settings: apiSettings(config),
    metrics,
    log: log.child({ component: 'api' }),
  }
}

/** The API's client of the broker, with the services' credentials. */
export function connectApiBrokerClient(broker: BrokerConnection, log: Logger): Promise<BrokerClient> {
  return connectBrokerClient({
    url: broker.mqttUrl,
    username: broker.username,
    password: broker.password,
    log: log.child({ component: 'api' }),
  })
}

/**
 * The notifier beside the API that serves its ack links (`start`, `api`): on its own timer, reading the
 * registry's alert event log; undefined when QUANTRAC_NOTIFY=false (another process sends).
 */
export async function startNotifierFor(
  config: z.infer<typeof notifyConfig>,
  storage: Storage,
  apiUrl: string,
  log: Logger,
  overrides: Partial<NotifySettings> = {},
) {
  if (!config.QUANTRAC_NOTIFY) return undefined
  return startNotifier({
    alerts: storage.registry,
    registry: storage.registry,
    notifications: storage.registry,
    state: storage.registry,
    settings: { ...notifySettings(config), ...overrides },
    publicUrl: apiUrl,
    log: log.child({ component: 'notify' }),
  })
}
