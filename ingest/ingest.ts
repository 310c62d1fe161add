import { connectAsync, type IClientOptions } from 'mqtt'
import type { Logger } from 'pino'
import type { Alert } from '../core/alerts.ts'
import type { ExposurePoint, Reading } from '../core/contract.ts'
import type { AlertTransition } from '../core/exposure/index.ts'
import { DEAD_LETTER_TOPIC, parseSensorChangeTopic, SENSOR_CHANGES_SUBSCRIPTION } from '../core/topics.ts'
import type { AlertRepository, Registry, StateRepository } from '../registry/types.ts'
import { InfluxWriteError } from '../store/influx/connection.ts'
import type { TimeSeriesStore } from '../store/types.ts'
import { createBatchWriter } from './batch-writer.ts'
import { decodeMessage, REJECTION_REASONS, type Rejection, type RejectionReason } from './decode.ts'
import { createExposureMonitor, type ExposureMonitorState } from './exposure-monitor.ts'
import { createFacilityRules } from './facility-rules.ts'
import { createLiveFeed } from './live-feed.ts'
import { createSensorDirectory } from './sensor-directory.ts'

export interface IngestOptions {
  mqttUrl: string
  username?: string
  password?: string
  subscription: string
  maxPayloadBytes: number
  batchSize: number
  flushIntervalMs: number
  store: TimeSeriesStore
  registry: Registry
  alerts: AlertRepository
  state: StateRepository
  log: Logger
}

export interface IngestStats {
  messages: number
  readings: number
  rejected: Record<RejectionReason, number>
  openAlerts: number
  readingWriter: ReturnType<ReturnType<typeof createBatchWriter>['stats']>
}

const OFFLINE_SWEEP_MS = 10_000
/** Exposure figures are stored at most this often per sensor and factor; the live feed gets every update. */
const EXPOSURE_STORE_INTERVAL_MS = 60_000
/** Evaluator windows and open alerts are saved this often, and on shutdown. */
const STATE_SAVE_MS = 30_000
const STATE_KEY = 'exposure-monitor'
const DEAD_LETTER_SAMPLE_CHARS = 1024
/** Each (topic, reason) is logged at warn once; repeats only count, so a broken sensor cannot flood the log. */
const MAX_REMEMBERED_REJECTIONS = 10_000

/** Retries only what a later attempt can fix: an unreachable or overloaded store, not bad data. */
function isRetryable(err: unknown): boolean {
  return err instanceof InfluxWriteError ? err.retryable : true
}

/**
 * The ingest service: subscribes to sensor readings on any MQTT broker, validates and normalises them,
 * evaluates exposure (ceiling, STEL, TWA, noise dose) and the alert lifecycle, writes readings, exposure
 * and alert events in batches, and feeds the live view. Exposure state survives a restart.
 */
export async function startIngest(options: IngestOptions) {
  const log = options.log
  const facilityRules = await createFacilityRules(options.registry, log)
  const sensors = await createSensorDirectory(options.registry, log)
  const rejected = Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, 0])) as Record<
    RejectionReason,
    number
  >
  const loggedRejections = new Set<string>()
  let messages = 0
  let readingCount = 0

  const readingWriter = createBatchWriter<Reading>({
    name: 'readings',
    write: (batch) => options.store.writeReadings(batch),
    batchSize: options.batchSize,
    flushIntervalMs: options.flushIntervalMs,
    maxPending: 1_000_000,
    isRetryable,
    log,
  })
  const alertWriter = createBatchWriter<Alert>({
    name: 'alert-events',
    write: (batch) => options.store.writeAlertEvents(batch),
    batchSize: 500,
    flushIntervalMs: options.flushIntervalMs,
    maxPending: 100_000,
    isRetryable,
    log,
  })
  const exposureWriter = createBatchWriter<ExposurePoint>({
    name: 'exposures',
    write: (batch) => options.store.writeExposures(batch),
    batchSize: 1000,
    flushIntervalMs: options.flushIntervalMs,
    maxPending: 100_000,
    isRetryable,
    log,
  })
  const exposureStoredAt = new Map<string, number>()
  const monitor = createExposureMonitor(
    facilityRules.rulesOf,
    sensors.limitVariantOf,
    {},
    (await options.state.loadState(STATE_KEY)) as ExposureMonitorState | undefined,
  )

  const clientOptions: IClientOptions = {
    username: options.username,
    password: options.password,
    clientId: `quantrac-ingest-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 1000,
  }
  const client = await connectAsync(options.mqttUrl, clientOptions)
  const live = createLiveFeed(client)

  function publishAlerts(transitions: AlertTransition[]): void {
    for (const { type, alert } of transitions) {
      alertWriter.add(alert)
      live.alert(alert)
      options.alerts.save(alert).catch((err) => log.error({ err, alertId: alert.id }, 'could not save alert'))
      log.info(
        { alert: { id: alert.id, sensor: alert.sensorId, kind: alert.kind, level: alert.level }, type },
        alert.message,
      )
    }
  }

  function publishExposure(point: ExposurePoint): void {
    live.exposure(point)
    const key = `${point.sensorId}\u0000${point.factor}`
    if (point.time - (exposureStoredAt.get(key) ?? 0) < EXPOSURE_STORE_INTERVAL_MS) return
    exposureStoredAt.set(key, point.time)
    exposureWriter.add(point)
  }

  async function saveState(): Promise<void> {
    await options.state.saveState(STATE_KEY, monitor.toJSON())
  }

  function reject(topic: string, payload: Buffer, rejection: Rejection, receivedAt: number): void {
    rejected[rejection.reason]++
    const key = `${rejection.reason}\u0000${topic}`
    if (!loggedRejections.has(key)) {
      if (loggedRejections.size >= MAX_REMEMBERED_REJECTIONS) loggedRejections.clear()
      loggedRejections.add(key)
      log.warn({ topic, reason: rejection.reason, detail: rejection.detail }, 'message rejected')
    }
    client.publish(
      DEAD_LETTER_TOPIC,
      JSON.stringify({
        topic,
        reason: rejection.reason,
        detail: rejection.detail,
        receivedAt: new Date(receivedAt).toISOString(),
        payload: payload.subarray(0, DEAD_LETTER_SAMPLE_CHARS).toString('utf8'),
      }),
      { qos: 0 },
    )
  }

  function handleMessage(topic: string, payload: Buffer): void {
    const changedSensor = parseSensorChangeTopic(topic)
    if (changedSensor !== undefined) {
      sensors
        .refreshSensor(changedSensor)
        .catch((err) => log.warn({ err }, 'could not refresh a changed sensor'))
      return
    }
    messages++
    const receivedAt = Date.now()
    const decoded = decodeMessage(topic, payload, receivedAt, options.maxPayloadBytes, sensors.admit)
    for (const rejection of decoded.rejections) reject(topic, payload, rejection, receivedAt)
    for (const reading of decoded.readings) {
      readingCount++
      sensors.seen(reading.sensorId, receivedAt)
      readingWriter.add(reading)
      live.reading(reading)
      const observation = monitor.observe(reading)
      if (observation.transitions.length > 0) publishAlerts(observation.transitions)
      if (observation.exposure !== undefined) publishExposure(observation.exposure)
    }
  }

  client.on('message', handleMessage)
  client.on('error', (err) => log.error({ err }, 'MQTT client error'))
  client.on('reconnect', () => log.warn({ url: options.mqttUrl }, 'reconnecting to the MQTT broker'))
  // Every worker hears of registry changes; the readings subscription may be shared between workers.
  await client.subscribeAsync(SENSOR_CHANGES_SUBSCRIPTION, { qos: 1 })
  await client.subscribeAsync(options.subscription, { qos: 1 })
  log.info({ subscription: options.subscription, url: options.mqttUrl }, 'ingest subscribed')

  const sweep = setInterval(
    () => publishAlerts(monitor.sweepOffline(Date.now(), sensors.offlineAfterMs)),
    OFFLINE_SWEEP_MS,
  )
  const persist = setInterval(() => {
    saveState().catch((err) => log.error({ err }, 'could not save exposure state'))
  }, STATE_SAVE_MS)

  return {
    stats(): IngestStats {
      return {
        messages,
        readings: readingCount,
        rejected: { ...rejected },
        openAlerts: monitor.openAlerts(),
        readingWriter: readingWriter.stats(),
      }
    },
    /** Stops taking messages, writes what is pending and saves the exposure state for the next start. */
    async close(): Promise<void> {
      clearInterval(sweep)
      clearInterval(persist)
      facilityRules.close()
      await sensors.close()
      client.removeListener('message', handleMessage)
      live.close()
      await client.endAsync()
      await Promise.all([readingWriter.flush(), alertWriter.flush(), exposureWriter.flush(), saveState()])
    },
  }
}

export type RunningIngest = Awaited<ReturnType<typeof startIngest>>
