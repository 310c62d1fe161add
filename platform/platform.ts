import type { Logger } from 'pino'
import { z } from 'zod'
import type { BrokerClient } from '../api/broker-client.ts'
import { type ApiSettings, apiEnv } from '../api/config.ts'
import { startApi } from '../api/server.ts'
import { brokerEnv } from '../broker/config.ts'
import { type BrokerOptions, type RunningBroker, startBroker } from '../broker/server.ts'
import { logEnv } from '../core/config.ts'
import { ingestEnv } from '../ingest/config.ts'
import { type IngestOptions, startIngest } from '../ingest/ingest.ts'
import { createBrokerMetrics } from '../metrics/broker.ts'
import { createMetricsRegistry } from '../metrics/index.ts'
import { createIngestMetrics, type IngestMetrics } from '../metrics/ingest.ts'
import { type NotifySettings, notifyEnv } from '../notify/config.ts'
import type { Notifier } from '../notify/notifier.ts'
import { registryEnv } from '../registry/config.ts'
import { newSecret } from '../registry/credentials.ts'
import { openRegistry } from '../registry/open.ts'
import {
  apiOptions,
  type BrokerConnection,
  brokerOptions,
  connectApiBrokerClient,
  ingestOptions,
  startNotifierFor,
} from './options.ts'
import { openStorage, type Storage } from './storage.ts'

/** Every QUANTRAC_* variable of the platform, each declared once, with its default: README.md, Configuration. */
export const platformEnv = { ...brokerEnv, ...ingestEnv, ...apiEnv, ...notifyEnv, ...logEnv, ...registryEnv }
export const platformConfig = z.object(platformEnv)
export type PlatformConfig = z.infer<typeof platformConfig>

export type PlatformPart = 'broker' | 'ingest' | 'api'
const ALL_PARTS: readonly PlatformPart[] = ['broker', 'ingest', 'api']

/** What a caller changes of the wiring the configuration gives: tests, the bench and the commands. */
export interface PlatformOverrides {
  /** The parts this process runs (all three by default, as `quantrac start`); the others run elsewhere. */
  parts?: readonly PlatformPart[]
  log: Logger
  /** Over the broker's options from the configuration (caps, login throttle…). */
  broker?: Partial<BrokerOptions>
  /** Over ingest's options from the configuration (batch size, spool size…). */
  ingest?: Partial<IngestOptions>
  /** Over the API's settings from the configuration (caps of the live feed, metrics token). */
  api?: Partial<ApiSettings>
  /** Over the notifier's settings from the configuration; it runs beside the API unless QUANTRAC_NOTIFY=false. */
  notify?: Partial<NotifySettings>
  /** Runs once storage is open, before any part starts: `start` seeds its demo here, so ingest loads its sensors. */
  beforeParts?(storage: Storage): Promise<void>
}

/**
 * The services' credentials: the configured ones, or, when the broker, ingest and the API run in this one
 * process, made up for this run (nobody else needs to know them).
 */
function serviceCredentials(config: PlatformConfig, parts: readonly PlatformPart[]) {
  const together = parts.includes('broker') && parts.length > 1
  return {
    username: config.QUANTRAC_MQTT_USERNAME ?? (together ? 'quantrac-services' : undefined),
    password: config.QUANTRAC_MQTT_PASSWORD ?? (together ? newSecret() : undefined),
  }
}

/**
 * The one composition root: opens storage and starts the parts asked for (broker, ingest, API) wired as
 * the configuration says. `quantrac start`, `quantrac broker|ingest|api`, the integration tests and the
 * bench all start the platform here, so they run the same wiring.
 */
export async function createPlatform(config: PlatformConfig, overrides: PlatformOverrides) {
  const parts = overrides.parts ?? ALL_PARTS
  const log = overrides.log
  // One registry per platform, handed to each part: its /metrics shows this platform, whatever else runs here.
  const metrics = createMetricsRegistry()
  let ingestMetrics: IngestMetrics | undefined
  // The broker alone reads sensor credentials from the registry and needs no time-series store.
  const storage: Storage | undefined =
    parts.includes('ingest') || parts.includes('api') ? await openStorage(config, log) : undefined
  const registry = storage?.registry ?? (await openRegistry(config, log))
  const closeStorage = async () => (storage === undefined ? registry.close() : storage.close())
  let broker: RunningBroker | undefined
  let ingest: Awaited<ReturnType<typeof startIngest>> | undefined
  let notifier: Notifier | undefined
  try {
    if (storage !== undefined) await overrides.beforeParts?.(storage)
    const service = serviceCredentials(config, parts)
    broker = parts.includes('broker')
      ? await startBroker(
          { ...brokerOptions(config, service), ...overrides.broker },
          registry,
          log.child({ component: 'broker' }),
          createBrokerMetrics(metrics),
        )
      : undefined
    const connection: BrokerConnection = {
      mqttUrl: config.QUANTRAC_MQTT_URL ?? `mqtt://127.0.0.1:${broker?.port ?? config.QUANTRAC_MQTT_PORT}`,
      ...service,
    }
    // Ingest takes readings from the broker in this process, in memory, unless told to use another address.
    const ingestSource = broker !== undefined && config.QUANTRAC_MQTT_URL === undefined ? broker : connection

    const startIngestHere = async () => {
      // Made with the first ingest and kept across restarts, so its counters go on counting.
      ingestMetrics ??= createIngestMetrics(metrics)
      return startIngest({
        ...ingestOptions(config, storage!, ingestSource, log),
        metrics: ingestMetrics,
        ...overrides.ingest,
      })
    }
    ingest = parts.includes('ingest') ? await startIngestHere() : undefined

    /** An API on its own port with its own broker client, as `quantrac api` runs one; several share the storage. */
    const startApiHere = async (port = config.QUANTRAC_HTTP_PORT) => {
      const brokerClient: BrokerClient = await connectApiBrokerClient(connection, log)
      const options = apiOptions(config, storage!, brokerClient, log, metrics)
      try {
        const running = await startApi({
          ...options,
          port,
          settings: {
            ...options.settings,
            sensorBrokerUrl: options.settings.sensorBrokerUrl ?? connection.mqttUrl,
            ...overrides.api,
          },
          health: parts.includes('ingest') ? { spoolBacklog: () => ingest?.backlog() } : undefined,
        })
        return {
          url: running.url,
          async close() {
            await running.close()
            await brokerClient.close()
          },
        }
      } catch (err) {
        await brokerClient.close()
        throw err
      }
    }
    const api = parts.includes('api') ? await startApiHere() : undefined
    // Beside the API that serves its ack links.
    const startNotifierHere = async () =>
      api === undefined ? undefined : startNotifierFor(config, storage!, api.url, log, overrides.notify)
    notifier = await startNotifierHere()

    return {
      config,
      log,
      storage,
      registry,
      /** The platform's metrics: what its /metrics (or QUANTRAC_METRICS_PORT's listener) serves. */
      metrics,
      broker,
      /** Where the broker is: its URL and the services' credentials. */
      connection,
      api,
      get ingest() {
        return ingest
      },
      startApiInstance: () => startApiHere(0),
      /** Starts ingest if it is not running (after `stopIngest`). */
      async startIngest() {
        ingest ??= await startIngestHere()
      },
      /** Stops ingest as SIGTERM would: the API, the broker and the storage go on. */
      async stopIngest() {
        await ingest?.close()
        ingest = undefined
      },
      /** Stops the notifier and starts a new one on the same registry: what a restart of the platform does to it. */
      async restartNotifier() {
        await notifier?.close()
        notifier = await startNotifierHere()
      },
      /** Closes in the order that loses nothing: no new requests, no new sensor publishes, then ingest drains. */
      closeSteps(): (() => Promise<void> | void)[] {
        return [
          () => api?.close(),
          () => notifier?.close(),
          // Sensors keep what they publish from here on: nothing is acknowledged by a broker about to stop.
          () => broker?.refuseSensorPublishes(),
          () => ingest?.close(),
          () => broker?.close(),
          closeStorage,
        ]
      },
      async close() {
        for (const step of this.closeSteps()) await step()
      },
    }
  } catch (err) {
    await ingest?.close()
    await broker?.close()
    await closeStorage()
    throw err
  }
}

export type Platform = Awaited<ReturnType<typeof createPlatform>>
