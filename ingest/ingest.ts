import { connectAsync, type IClientOptions } from 'mqtt'
import type { Logger } from 'pino'
import type { Alert } from '../core/alerts.ts'
import type { Reading } from '../core/contract.ts'
import { DEAD_LETTER_TOPIC } from '../core/topics.ts'
import type { AlertRepository, Registry } from '../registry/types.ts'
import { InfluxWriteError } from '../store/influx/connection.ts'
import type { TimeSeriesStore } from '../store/types.ts'
import { createBatchWriter } from './batch-writer.ts'
import { decodeMessage, REJECTION_REASONS, type Rejection, type RejectionReason } from './decode.ts'
import { createInstantAlerts } from './instant-alerts.ts'
import { createLiveFeed } from './live-feed.ts'
import { createProfileDirectory } from './profiles.ts'

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
  log: Logger
}

export interface IngestStats {
  messages: number
  readings: number
  rejected: Record<RejectionReason, number>
  openAlerts: number
  readingWriter: ReturnType<ReturnType<typeof createBatchWriter>['stats']>
}

const ALERT_SWEEP_MS = 5000
const DEAD_LETTER_SAMPLE_CHARS = 1024
/** Each (topic, reason) is logged at warn once; repeats only count, so a broken sensor cannot flood the log. */
const MAX_REMEMBERED_REJECTIONS = 10_000

/** Retries only what a later attempt can fix: an unreachable or overloaded store, not bad data. */
function isRetryable(err: unknown): boolean {
  return err instanceof InfluxWriteError ? err.retryable : true
}

/**
 * The ingest service: subscribes to sensor readings on any MQTT broker, validates and normalises them,
 * checks instantaneous limits, writes readings and alert events in batches, and feeds the live view.
 */
export async function startIngest(options: IngestOptions) {
  const log = options.log
  const profiles = await createProfileDirectory(options.registry, log)
  const rejected = Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, 0])) as Record<RejectionReason, number>
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
  const instantAlerts = createInstantAlerts()
  let openAlerts = 0

  const clientOptions: IClientOptions = {
    username: options.username,
    password: options.password,
    clientId: `quantrac-ingest-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 1000,
  }
  const client = await connectAsync(options.mqttUrl, clientOptions)
  const live = createLiveFeed(client)

  function publishAlert(alert: Alert): void {
    openAlerts += alert.state === 'cleared' ? -1 : alert.openedAt === alert.updatedAt ? 1 : 0
    alertWriter.add(alert)
    live.alert(alert)
    options.alerts.save(alert).catch((err) => log.error({ err, alertId: alert.id }, 'could not save alert'))
    log.info({ alert: { id: alert.id, sensor: alert.sensorId, kind: alert.kind, state: alert.state } }, alert.message)
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
    messages++
    const receivedAt = Date.now()
    const decoded = decodeMessage(topic, payload, receivedAt, options.maxPayloadBytes)
    for (const rejection of decoded.rejections) reject(topic, payload, rejection, receivedAt)
    for (const reading of decoded.readings) {
      readingCount++
      readingWriter.add(reading)
      live.reading(reading)
      for (const alert of instantAlerts.observe(profiles.profileOf(reading.facilityId), reading)) publishAlert(alert)
    }
  }

  client.on('message', handleMessage)
  client.on('error', (err) => log.error({ err }, 'MQTT client error'))
  client.on('reconnect', () => log.warn({ url: options.mqttUrl }, 'reconnecting to the MQTT broker'))
  await client.subscribeAsync(options.subscription, { qos: 1 })
  log.info({ subscription: options.subscription, url: options.mqttUrl }, 'ingest subscribed')

  const sweep = setInterval(() => {
    for (const alert of instantAlerts.clearRecovered(Date.now())) publishAlert(alert)
  }, ALERT_SWEEP_MS)

  return {
    stats(): IngestStats {
      return { messages, readings: readingCount, rejected: { ...rejected }, openAlerts, readingWriter: readingWriter.stats() }
    },
    /** Stops taking messages, then writes what is pending. */
    async close(): Promise<void> {
      clearInterval(sweep)
      profiles.close()
      client.removeListener('message', handleMessage)
      live.close()
      await client.endAsync()
      await Promise.all([readingWriter.flush(), alertWriter.flush()])
    },
  }
}

export type RunningIngest = Awaited<ReturnType<typeof startIngest>>
