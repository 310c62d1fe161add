import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync, type IClientOptions } from 'mqtt'
import { pino } from 'pino'
import { inject } from 'vitest'
import type { ApiSettings } from '../../api/config.ts'
import type { BrokerOptions } from '../../broker/server.ts'
import type { FactorId } from '../../core/factors.ts'
import type { ProfileId } from '../../core/limits/index.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../core/shifts.ts'
import type { IngestOptions } from '../../ingest/ingest.ts'
import type { NotifySettings } from '../../notify/config.ts'
import { createPlatform, platformConfig } from '../../platform/platform.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import type { NewFacility } from '../../registry/types.ts'
import { createDatabase } from './postgres.ts'

export interface PlatformOptions {
  /** InfluxDB 1.x URL; the embedded SQLite store when omitted. */
  influxUrl?: string
  /** An external broker (e.g. Mosquitto, anonymous); the embedded aedes broker when omitted. */
  mqttUrl?: string
  flushIntervalMs?: number
  /** Overrides of ingest's options (rate limit, spool size…); its rate limit is the embedded broker's too. */
  ingest?: Partial<IngestOptions>
  /** Overrides of the embedded broker's options (login throttle, caps…). */
  broker?: Partial<BrokerOptions>
  /** The services' credentials on an external broker (none by default, as for an anonymous Mosquitto). */
  service?: { username: string; password: string }
  /** Overrides of the API's settings (caps of the live feed, metrics token). */
  api?: Partial<ApiSettings>
  /** Runs the notifier beside the API, with these settings over the defaults. */
  notify?: Partial<NotifySettings>
  /** socket.io's Redis adapter for every API instance (QUANTRAC_REDIS_URL). */
  redisUrl?: string
  /** More QUANTRAC_* settings, read by the platform's schema as the environment would be. */
  env?: Record<string, string>
  /** A PostgreSQL database for the registry (QUANTRAC_REGISTRY_URL); the data directory's SQLite file when omitted. */
  registryUrl?: string
  /** The API alone, as `quantrac api` runs it, with ingest elsewhere (on an external broker: `mqttUrl`). */
  apiOnly?: boolean
}

export interface SensorCredentials {
  username: string
  password: string
  topic: string
}

/** A facility with the registry's defaults, for tests that only care about some fields. */
export function testFacility(id: string, fields: Partial<NewFacility> = {}): NewFacility {
  return {
    id,
    name: `Facility ${id}`,
    province: 'Hà Nội',
    sector: 'cement',
    address: '',
    hazards: [],
    profile: 'qcvn',
    shifts: DEFAULT_SHIFT_PATTERN,
    workers: 50,
    ...fields,
  }
}

/**
 * The whole platform in this process, on free ports and a temporary data directory, started by the
 * composition root `quantrac start` uses (without the demo): service credentials for ingest and the API,
 * sensors with their own. Only what a test asks for differs from production's defaults.
 */
export async function startPlatform(options: PlatformOptions = {}) {
  const log = pino({ level: process.env.QUANTRAC_TEST_LOG ?? 'silent' })
  const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-test-'))
  const database = `quantrac_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  // QUANTRAC_TEST_REGISTRY=postgres (integration project): each platform's registry in a database of its own.
  const postgresAdminUrl = inject('postgresAdminUrl')
  const registryUrl =
    options.registryUrl ?? (postgresAdminUrl ? await createDatabase(postgresAdminUrl) : undefined)
  const config = platformConfig.parse({
    QUANTRAC_DATA_DIR: dataDir,
    QUANTRAC_HTTP_PORT: '0',
    QUANTRAC_MQTT_PORT: '0',
    QUANTRAC_FLUSH_INTERVAL_MS: String(options.flushIntervalMs ?? 100),
    QUANTRAC_INFLUX_URL: options.influxUrl,
    QUANTRAC_INFLUX_DATABASE: database,
    QUANTRAC_MQTT_URL: options.mqttUrl,
    QUANTRAC_MQTT_USERNAME: options.service?.username,
    QUANTRAC_MQTT_PASSWORD: options.service?.password,
    QUANTRAC_REDIS_URL: options.redisUrl,
    QUANTRAC_REGISTRY_URL: registryUrl,
    // Only the tests of notifications run the notifier.
    QUANTRAC_NOTIFY: options.notify === undefined ? 'false' : 'true',
    ...options.env,
  })
  const platform = await createPlatform(config, {
    log,
    // An external broker (Mosquitto) stands in for `quantrac broker`: this process runs ingest and the API.
    parts:
      options.mqttUrl === undefined
        ? ['broker', 'ingest', 'api']
        : options.apiOnly === true
          ? ['api']
          : ['ingest', 'api'],
    // The broker paces sensors at ingest's rate, as both read QUANTRAC_SENSOR_RATE_LIMIT in production.
    broker: { sensorRateLimit: options.ingest?.sensorRateLimit, ...options.broker },
    ingest: options.ingest,
    api: options.api,
    notify: options.notify,
  })
  const registry = platform.registry
  const store = platform.storage!.store
  const mqttUrl = platform.connection.mqttUrl
  const service = { username: platform.connection.username, password: platform.connection.password }
  const api = platform.api!
  const adminKey = (await issueApiKey(registry, { name: 'test admin', role: 'admin' })).token

  /** Calls the API as `key` (the admin by default) and returns the status and the parsed body. */
  async function call(method: string, path: string, body?: unknown, key: string | null = adminKey) {
    const headers: Record<string, string> = {}
    if (key !== null) headers.authorization = `Bearer ${key}`
    if (body !== undefined)
      headers['content-type'] = typeof body === 'string' ? 'text/csv' : 'application/json'
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
  }

  /** Registers the facility (if new) and the sensor through the API, as a contractor would; returns its credentials. */
  async function registerSensor(
    facilityId: string,
    sensorId: string,
    factors: FactorId[],
    profile: ProfileId = 'qcvn',
  ): Promise<SensorCredentials> {
    if ((await registry.getFacility(facilityId)) === undefined) {
      await registry.createFacility(testFacility(facilityId, { profile, hazards: factors }))
    }
    const created = await call('POST', '/api/v1/sensors', {
      id: sensorId,
      facilityId,
      model: 'test',
      factors,
    })
    if (created.status !== 201) throw new Error(`sensor not registered: ${JSON.stringify(created.body)}`)
    return created.body.credentials
  }

  /** Connects as a sensor to the platform's broker (or anonymously to an external one). */
  function connectSensor(credentials?: SensorCredentials, extra: IClientOptions = {}) {
    // A sensor's client id is its id, which is its user name (broker/access.ts).
    const auth =
      options.mqttUrl === undefined && credentials !== undefined
        ? { username: credentials.username, password: credentials.password, clientId: credentials.username }
        : {}
    return connectAsync(mqttUrl, { ...auth, reconnectPeriod: 0, ...extra })
  }

  return {
    mqttUrl,
    apiUrl: api.url,
    dataDir,
    database,
    registry,
    store,
    service,
    adminKey,
    call,
    registerSensor,
    connectSensor,
    get ingest() {
      const ingest = platform.ingest
      if (ingest === undefined) throw new Error('ingest is stopped')
      return ingest
    },
    broker: platform.broker,
    /** The platform's metrics registry (what its /metrics serves). */
    metrics: platform.metrics,
    startApiInstance: platform.startApiInstance,
    /** Stops the notifier and starts a new one on the same registry: what a restart of the platform does to it. */
    restartNotifier: platform.restartNotifier,
    /** Stops ingest as SIGTERM would and starts a new one on the same registry and store. */
    async restartIngest() {
      await platform.stopIngest()
      await platform.startIngest()
    },
    /** Stops ingest as SIGTERM would: the API, the broker and the stores go on. */
    stopIngest: platform.stopIngest,
    startIngest: platform.startIngest,
    async stop() {
      await platform.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export type Platform = Awaited<ReturnType<typeof startPlatform>>
