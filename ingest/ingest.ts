import type { Logger } from 'pino'
import type { AlertEvent } from '../core/alert-lifecycle.ts'
import type { ExposurePoint, Reading } from '../core/contract.ts'
import type { AlertTransition } from '../core/exposure/index.ts'
import { createExposureMonitor } from '../core/exposure/monitor.ts'
import { createRateLimiter } from '../core/rate-limit.ts'
import {
  parseAccessChangeTopic,
  parseReadingsTopic,
  parseSensorChangeTopic,
  type SensorAddress,
} from '../core/topics.ts'
import type { IngestMetrics } from '../metrics/ingest.ts'
import type {
  AlertRepository,
  PartitionLeaseRepository,
  Registry,
  RejectionLog,
  StateRepository,
} from '../registry/types.ts'
import type { TimeSeriesStore } from '../store/types.ts'
import { type DetectionFence, startAlertEvents } from './alert-events.ts'
import { createBatchWriter } from './batch-writer.ts'
import { createCommissioningTracker } from './commissioning-tracker.ts'
import { decodeAddressed, type RejectionReason } from './decode.ts'
import { createFacilityRules } from './facility-rules.ts'
import { firstTimeOf } from './first-time.ts'
import type { BrokerLink } from './link/link.ts'
import { createLiveFeed } from './live-feed.ts'
import {
  type JudgedPartition,
  type MonitorSet,
  partitionedMonitorSet,
  singleMonitorSet,
  UNPARTITIONED_STATE_PREFIX,
} from './monitor-set.ts'
import { loadMonitorState, saveMonitorStateRegularly, trackerStateKey } from './monitor-state.ts'
import { sweepOfflineRegularly } from './offline-sweep.ts'
import { type PartitionedIntake, startPartitionedIntake } from './partitions/intake.ts'
import { partitionSessions } from './partitions/sessions.ts'
import { createRejections } from './rejections.ts'
import { createSensorDirectory } from './sensor-directory.ts'
import { createDelivery } from './spool/delivery.ts'
import { openIngestSpool } from './spool/open.ts'

export interface IngestOptions {
  /** Where messages come from: an MQTT connection (`link/mqtt.ts`) or the embedded broker (`link/embedded.ts`). */
  link: BrokerLink
  maxPayloadBytes: number
  batchSize: number
  flushIntervalMs: number
  store: TimeSeriesStore
  registry: Registry
  /** The alert register, the one owner of alert state: ingest reports what its tracker detects. */
  alerts: AlertRepository
  state: StateRepository
  log: Logger
  /** Ingest's counters and gauges in the platform's registry, the same across restarts of ingest. */
  metrics: IngestMetrics
  /** Durability: the spool and dead-letter file live here (QUANTRAC_DATA_DIR/spool). */
  spoolDir: string
  /** Past this, ingest stops acknowledging until the store takes some (QUANTRAC_SPOOL_MAX_BYTES). */
  spoolMaxBytes: number
  /** Messages are committed to the spool and acknowledged at least this often (QUANTRAC_SPOOL_COMMIT_MS). */
  commitIntervalMs: number
  /** Names the spool: one per ingest worker (the MQTT link's client id, stable across restarts). */
  clientId: string
  /** Per-sensor token bucket (messages per second and burst): what comes faster is counted as over-rate. */
  sensorRateLimit: { ratePerSecond: number; burst: number }
  /** Where each registered sensor's recent rejections are kept for the API (the registry); none if absent. */
  rejectionLog?: RejectionLog
  /**
   * A partitioned worker (README, Scaling out → Partitioned ingest): its partitions' sessions on this
   * external broker, their leases in the registry. The link then carries no readings, and a message is
   * acknowledged once in the store, not once in the spool.
   */
  partitioned?: {
    broker: { url: string; username?: string; password?: string }
    leases: PartitionLeaseRepository
    leaseMs: number
  }
}

export interface IngestStats {
  messages: number
  readings: number
  rejected: Record<RejectionReason, number>
  /** Messages that came faster than their sensor's rate limit, taken in all the same. */
  overRate: number
  openAlerts: number
  readingWriter: ReturnType<ReturnType<typeof createBatchWriter>['stats']>
  /** Messages acknowledged to the broker (their readings durable in the spool). */
  acknowledged: number
}

/** The spool's contents as /health reports them. */
export interface SpoolBacklog {
  items: number
  bytes: number
  maxBytes: number
  /** Epoch ms of the oldest item waiting, if any. */
  oldestAt?: number
}

const OFFLINE_SWEEP_MS = 10_000
/** Exposure figures are stored at most this often per sensor and factor; the live feed gets every update. */
const EXPOSURE_STORE_INTERVAL_MS = 60_000
/** Each (reason, topic) of a refusal or an over-rate sensor is logged at warn once; repeats only count. */
const MAX_REMEMBERED_REJECTIONS = 10_000

/**
 * The ingest service: takes sensor readings from its broker link, validates and normalises them,
 * evaluates exposure (ceiling, STEL, TWA, noise dose) and the alert lifecycle, writes readings, exposure
 * and alert events in batches, and feeds the live view. Exposure state survives a restart.
 */
export async function startIngest(options: IngestOptions) {
  const log = options.log
  let partitioned: PartitionedIntake | undefined
  // A facility new to ingest (announced, or found by a full refresh): its partition's session subscribes.
  const facilityRules = await createFacilityRules(options.registry, log, (facilityId) =>
    partitioned?.facilityAdded(facilityId),
  )
  const sensors = await createSensorDirectory(options.registry, log)
  const metrics = options.metrics
  const rateLimiter = createRateLimiter(options.sensorRateLimit)
  const clientId = options.clientId
  const ingestSpool = openIngestSpool({
    dir: options.spoolDir,
    clientId,
    maxBytes: options.spoolMaxBytes,
    // Retries only what a later attempt can fix: an unreachable or overloaded store, not bad data.
    isRetryable: (err) => options.store.isRetryable(err),
    log,
    metrics,
  })
  const firstTime = firstTimeOf(MAX_REMEMBERED_REJECTIONS)
  const commissioning = createCommissioningTracker({
    registry: options.registry,
    accessOf: sensors.accessOf,
    log,
  })
  let messages = 0
  let readingCount = 0
  let overRate = 0

  const readingWriter = createBatchWriter<Reading>({
    ...ingestSpool.writer('readings'),
    write: (batch) => options.store.writeReadings(batch),
    batchSize: options.batchSize,
    flushIntervalMs: options.flushIntervalMs,
  })
  const alertWriter = createBatchWriter<AlertEvent>({
    ...ingestSpool.writer('alert-events'),
    write: (batch) => options.store.writeAlertEvents(batch),
    batchSize: 500,
    flushIntervalMs: options.flushIntervalMs,
  })
  const exposureWriter = createBatchWriter<ExposurePoint>({
    ...ingestSpool.writer('exposures'),
    write: (batch) => options.store.writeExposures(batch),
    batchSize: 1000,
    flushIntervalMs: options.flushIntervalMs,
  })
  /** By the stream each writes, as the spool and the metrics name it. */
  const writers = { readings: readingWriter, 'alert-events': alertWriter, exposures: exposureWriter }
  const allWriters = Object.values(writers)
  const exposureStoredAt = new Map<string, number>()
  const createMonitor = (restored: Awaited<ReturnType<typeof loadMonitorState>>) =>
    createExposureMonitor(facilityRules.rulesOf, sensors.limitVariantOf, {}, restored, sensors.calibrationOf)
  const partitionMonitors = options.partitioned === undefined ? undefined : partitionedMonitorSet()
  const monitors: MonitorSet =
    partitionMonitors ??
    singleMonitorSet(createMonitor(await loadMonitorState(options.state, UNPARTITIONED_STATE_PREFIX, log)))

  const link = options.link
  const live = createLiveFeed(link.publish)
  const rejections = createRejections({
    publish: link.publish,
    rejectionLog: options.rejectionLog,
    isRegistered: (address) => sensors.factorsOf(address) !== undefined,
    firstTime,
    metrics,
    log,
  })
  const alertEvents = await startAlertEvents({
    alerts: options.alerts,
    state: options.state,
    writer: alertWriter,
    live,
    copiesLog: () => partitionMonitors === undefined || partitioned?.holdsFirstPartition() === true,
    log,
  })

  /**
   * To the alert register, then the store, the live feed and the log (alert-events.ts). A partition's
   * transitions carry its lease and its tracker's state after them, written in the register's transaction.
   */
  function recordAlertTransitions(judged: JudgedPartition, transitions: AlertTransition[]): void {
    if (transitions.length === 0) return
    const fence: DetectionFence | undefined =
      judged.lease === undefined
        ? undefined
        : {
            lease: judged.lease,
            states: [[trackerStateKey(judged.statePrefix), judged.monitor.takeTrackerState()]],
          }
    alertEvents.record(transitions, fence)
  }

  function publishExposure(point: ExposurePoint): void {
    live.exposure(point)
    const key = `${point.sensorId}\u0000${point.factor}`
    if (point.time - (exposureStoredAt.get(key) ?? 0) < EXPOSURE_STORE_INTERVAL_MS) return
    exposureStoredAt.set(key, point.time)
    exposureWriter.add(point)
  }

  function handleMessage(topic: string, payload: Buffer): Promise<void> | undefined {
    const changedSensor = parseSensorChangeTopic(topic)
    if (changedSensor !== undefined) {
      sensors
        .refreshSensor(changedSensor)
        .catch((err) => log.warn({ err }, 'could not refresh a changed sensor'))
      return
    }
    const changedFacility = parseAccessChangeTopic(topic)
    if (changedFacility?.kind === 'facility') {
      facilityRules
        .refreshFacility(changedFacility.facilityId)
        .catch((err) => log.warn({ err }, 'could not refresh a changed facility'))
      return
    }
    messages++
    metrics.received.inc()
    const receivedAt = Date.now()
    const address = parseReadingsTopic(topic)
    const sensorId = address?.sensorId
    // The embedded broker in this process already slowed the sensor down to its rate: watching it again here,
    // on later and jittered receive times, counted publishes the broker had paced. Another broker may have
    // acknowledged faster, and what a broker acknowledged is kept: counted, logged once per topic, never dropped.
    if (sensorId !== undefined && !link.pacedAtSource && !rateLimiter.take(sensorId, receivedAt)) {
      noteOverRate(topic)
    }
    const lookups: Promise<void>[] = []
    if (sensorId !== undefined && sensors.needsLookup(sensorId, receivedAt)) {
      lookups.push(sensors.lookUp(sensorId, receivedAt))
    }
    // A facility's shifts must be known before its first reading opens one.
    if (address !== undefined && facilityRules.needsLookup(address.facilityId, receivedAt)) {
      lookups.push(facilityRules.lookUp(address.facilityId, receivedAt))
    }
    if (lookups.length > 0)
      return Promise.all(lookups).then(() => accept(topic, address, payload, receivedAt))
    accept(topic, address, payload, receivedAt)
  }

  function noteOverRate(topic: string): void {
    overRate++
    metrics.overRate.inc()
    if (firstTime(`over-rate\u0000${topic}`)) {
      log.warn({ topic }, 'sensor over its rate limit: its broker acknowledged faster than allowed (kept)')
    }
  }

  /** Decodes a message (its topic parsed once, by handleMessage) and takes in its readings. */
  function accept(
    topic: string,
    address: SensorAddress | undefined,
    payload: Buffer,
    receivedAt: number,
  ): void {
    // Of a partition this worker gave up a moment ago: its next owner takes it from the broker.
    const judged = address === undefined ? undefined : monitors.of(address.facilityId)
    if (address !== undefined && judged === undefined) return
    const decoded = decodeAddressed(
      address,
      payload,
      receivedAt,
      options.maxPayloadBytes,
      sensors.admit,
      sensors.factorsOf,
    )
    for (const rejection of decoded.rejections) {
      rejections.reject(topic, address, payload, rejection, receivedAt)
      // A value out of range was read from a message with a readings topic: the address is known.
      if (rejection.reason === 'range' && rejection.factor !== undefined && judged !== undefined) {
        recordAlertTransitions(
          judged,
          judged.monitor.observeFault({ ...address!, factor: rejection.factor }, receivedAt),
        )
      }
    }
    for (const reading of decoded.readings) {
      readingCount++
      metrics.accepted.inc()
      metrics.lag.observe(Math.max(0, receivedAt - reading.time) / 1000)
      sensors.seen(reading.sensorId, receivedAt)
      commissioning.observe(reading)
      readingWriter.add(reading)
      live.reading(reading)
      const observation = judged!.monitor.observe(reading)
      if (observation.transitions.length > 0) recordAlertTransitions(judged!, observation.transitions)
      for (const point of observation.exposures) publishExposure(point)
    }
  }

  const delivery = createDelivery({
    writers: allWriters,
    commitIntervalMs: options.commitIntervalMs,
    commitItems: options.batchSize,
    onMessage: handleMessage,
    durableAt: options.partitioned === undefined ? 'spool' : 'store',
    log,
  })
  await link.open(delivery.sink)
  if (options.partitioned !== undefined) {
    partitioned = await startPartitionedIntake({
      leases: options.partitioned.leases,
      workerId: clientId,
      leaseMs: options.partitioned.leaseMs,
      sessions: partitionSessions({
        ...options.partitioned.broker,
        sink: delivery.sink,
        // Within a third of a lease: a round of the lease keeper opens sessions, then renews.
        connectTimeoutMs: Math.max(1000, Math.floor(options.partitioned.leaseMs / 3)),
        log,
      }),
      monitors: partitionMonitors!,
      facilityIds: facilityRules.facilityIds,
      createMonitor,
      state: options.state,
      shifts: options.registry,
      log,
    })
  }
  log.info({ from: link.description, partitions: partitioned?.held().length }, 'ingest taking readings')

  const sweep = sweepOfflineRegularly({
    monitors,
    offlineAfterMs: sensors.offlineAfterMs,
    record: recordAlertTransitions,
    intervalMs: OFFLINE_SWEEP_MS,
  })
  const monitorState = saveMonitorStateRegularly(monitors, options.state, options.registry, log)
  const openAlerts = () => {
    let open = 0
    for (const judged of monitors.all()) open += judged.monitor.openAlerts()
    return open
  }

  const stopReporting = metrics.report(() => ({
    openAlerts: openAlerts(),
    partitions: partitioned?.held().length,
    unacknowledged: delivery.unacknowledged(),
    spoolMaxBytes: ingestSpool.spool.maxBytes,
    streams: Object.entries(writers).map(([stream, writer]) => {
      const stats = writer.stats()
      return {
        stream,
        items: stats.pending,
        bytes: stats.spoolBytes,
        oldest: stats.oldestSpooled,
        spooled: stats.spooled,
      }
    }),
  }))

  let closed = false
  return {
    /** What waits in the spool for the store, and the spool's limit (full, ingest stops acknowledging): for /health. */
    backlog(): SpoolBacklog {
      let items = 0
      let oldestAt: number | undefined
      for (const writer of allWriters) {
        const stats = writer.stats()
        items += stats.pending
        if (stats.oldestSpooled !== undefined && (oldestAt === undefined || stats.oldestSpooled < oldestAt))
          oldestAt = stats.oldestSpooled
      }
      return { items, bytes: ingestSpool.spool.bytes(), maxBytes: ingestSpool.spool.maxBytes, oldestAt }
    },
    stats(): IngestStats {
      return {
        messages,
        readings: readingCount,
        rejected: rejections.counts(),
        overRate,
        openAlerts: openAlerts(),
        readingWriter: readingWriter.stats(),
        acknowledged: delivery.acknowledged(),
      }
    },
    /**
     * Stops taking messages (the broker keeps later ones for the next start), acknowledges what was taken
     * once it is in the spool, writes what the store will take now — the rest stays in the spool for the
     * next start — and saves the exposure state.
     */
    async close(): Promise<void> {
      if (closed) return
      closed = true
      sweep.close()
      link.stop()
      // Each partition's session stopped and its state saved, then given back for another worker.
      await partitioned?.close()
      await delivery.stop()
      await alertEvents.close()
      live.close()
      await link.close()
      facilityRules.close()
      await sensors.close()
      await rejections.close()
      await commissioning.close()
      await Promise.all([...allWriters.map((writer) => writer.flush()), monitorState.close()])
      await Promise.all(allWriters.map((writer) => writer.close()))
      stopReporting()
      ingestSpool.spool.close()
    },
  }
}

export type RunningIngest = Awaited<ReturnType<typeof startIngest>>
