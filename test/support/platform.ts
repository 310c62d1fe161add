import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync, type IClientOptions } from 'mqtt'
import { pino } from 'pino'
import { connectBrokerClient } from '../../api/broker-client.ts'
import { type ApiSettings, apiSettings } from '../../api/config.ts'
import { startApi } from '../../api/server.ts'
import { type BrokerOptions, startBroker } from '../../broker/server.ts'
import type { FactorId } from '../../core/factors.ts'
import type { ProfileId } from '../../core/limits/index.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../core/shifts.ts'
import { READINGS_SUBSCRIPTION } from '../../core/topics.ts'
import { type IngestOptions, startIngest } from '../../ingest/ingest.ts'
import { embeddedBrokerLink } from '../../ingest/link/embedded.ts'
import { mqttLink } from '../../ingest/link/mqtt.ts'
import { type NotifySettings, notifySettings } from '../../notify/config.ts'
import { type Notifier, startNotifier } from '../../notify/notifier.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { newSecret } from '../../registry/credentials.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import type { NewFacility } from '../../registry/types.ts'
import { createInfluxStore } from '../../store/influx/store.ts'
import { createSqliteStore } from '../../store/sqlite/store.ts'
import type { TimeSeriesStore } from '../../store/types.ts'

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
 * The whole platform in this process, on free ports and a temporary data directory, as `quantrac start`
 * wires it (without the demo): service credentials for ingest and the API, sensors with their own.
 */
export async function startPlatform(options: PlatformOptions = {}) {
  const log = pino({ level: process.env.QUANTRAC_TEST_LOG ?? 'silent' })
  const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-test-'))
  const registry = openSqliteRegistry(join(dataDir, 'registry.sqlite'))
  const database = `quantrac_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  const store: TimeSeriesStore = options.influxUrl
    ? await createInfluxStore({ url: options.influxUrl, database })
    : createSqliteStore(join(dataDir, 'timeseries.sqlite'))
  const service: { username?: string; password?: string } =
    options.mqttUrl === undefined
      ? { username: 'quantrac-services', password: newSecret() }
      : (options.service ?? {})
  const broker =
    options.mqttUrl === undefined
      ? await startBroker(
          {
            host: '127.0.0.1',
            port: 0,
            maxPayloadBytes: 16_384,
            allowAnonymous: false,
            serviceUsername: service.username,
            servicePassword: service.password,
            sensorRateLimit: options.ingest?.sensorRateLimit,
            ...options.broker,
          },
          registry,
          log,
        )
      : undefined
  const mqttUrl = options.mqttUrl ?? `mqtt://127.0.0.1:${broker!.port}`
  const clientId = options.ingest?.clientId ?? 'quantrac-ingest'
  // As `quantrac start` does: in memory from the embedded broker, over MQTT from an external one.
  const startIngestHere = () =>
    startIngest({
      link:
        broker === undefined
          ? mqttLink({ url: mqttUrl, ...service, clientId, subscription: READINGS_SUBSCRIPTION, log })
          : embeddedBrokerLink(broker, READINGS_SUBSCRIPTION),
      clientId,
      maxPayloadBytes: 16_384,
      batchSize: 1000,
      flushIntervalMs: options.flushIntervalMs ?? 100,
      store,
      registry,
      alerts: registry,
      state: registry,
      rejectionLog: registry,
      log,
      spoolDir: join(dataDir, 'spool'),
      ...options.ingest,
    })
  let ingest: Awaited<ReturnType<typeof startIngest>> | undefined = await startIngestHere()
  /** An API instance on its own port and its own broker client, as `quantrac api` runs one; several share one registry. */
  async function startApiInstance() {
    const brokerClient = await connectBrokerClient({ url: mqttUrl, ...service, log })
    const running = await startApi({
      host: '127.0.0.1',
      port: 0,
      store,
      registry,
      alerts: registry,
      rejections: registry,
      notifications: registry,
      broker: brokerClient,
      settings: { ...apiSettings(), ...options.api },
      log,
    })
    return {
      url: running.url,
      async close() {
        await running.close()
        await brokerClient.close()
      },
    }
  }
  const api = await startApiInstance()
  const startNotifierHere = () =>
    startNotifier({
      alerts: registry,
      registry,
      notifications: registry,
      state: registry,
      settings: { ...notifySettings(), ...options.notify },
      publicUrl: api.url,
      log,
    })
  let notifier: Notifier | undefined = options.notify === undefined ? undefined : await startNotifierHere()
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
      if (ingest === undefined) throw new Error('ingest is stopped')
      return ingest
    },
    broker,
    startApiInstance,
    /** Stops ingest as SIGTERM would and starts a new one on the same registry and store. */
    async restartIngest() {
      await ingest?.close()
      ingest = await startIngestHere()
    },
    /** Stops ingest as SIGTERM would: the API, the broker and the stores go on. */
    async stopIngest() {
      await ingest?.close()
      ingest = undefined
    },
    async startIngest() {
      if (ingest === undefined) ingest = await startIngestHere()
    },
    /** Stops the notifier and starts a new one on the same registry: what a restart of the platform does to it. */
    async restartNotifier() {
      await notifier?.close()
      notifier = await startNotifierHere()
    },
    async stop() {
      await notifier?.close()
      await api.close()
      await ingest?.close()
      await broker?.close()
      await store.close()
      registry.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export type Platform = Awaited<ReturnType<typeof startPlatform>>
