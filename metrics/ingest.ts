import { Counter, Gauge, Histogram } from 'prom-client'
import { processWide } from './index.ts'

/** What one running ingest reports when Prometheus scrapes. */
export interface IngestGauges {
  openAlerts: number
  unacknowledged: number
  spoolMaxBytes: number
  streams: { stream: string; items: number; bytes: number; oldest: number | undefined; spooled: number }[]
}

const shared = processWide('ingest', () => ({
  sources: new Set<() => IngestGauges>(),
  metrics: undefined as ReturnType<typeof create> | undefined,
}))
const sources = shared.sources

function sum(pick: (gauges: IngestGauges) => number): number {
  let total = 0
  for (const source of sources) total += pick(source())
  return total
}

/**
 * Ingest's metrics, in the process's default registry. Counters are incremented as things happen;
 * gauges (spool, open alerts) are read from each running ingest at scrape time. Labels are bounded sets
 * (reason, stream): never a sensor id, which would make a series per sensor.
 */
export function ingestMetrics(): ReturnType<typeof create> {
  shared.metrics ??= create()
  return shared.metrics
}

function create() {
  return {
    received: new Counter({
      name: 'quantrac_ingest_messages_received_total',
      help: 'MQTT messages received on the readings subscription',
    }),
    accepted: new Counter({
      name: 'quantrac_ingest_readings_accepted_total',
      help: 'Readings that passed validation',
    }),
    rejected: new Counter({
      name: 'quantrac_ingest_rejected_total',
      help: 'Messages or batch items refused, by reason',
      labelNames: ['reason'] as const,
    }),
    overRate: new Counter({
      name: 'quantrac_ingest_over_rate_total',
      help: "Messages that came faster than their sensor's rate limit (acknowledged by an external broker), kept all the same",
    }),
    spooled: new Counter({
      name: 'quantrac_ingest_spooled_total',
      help: 'Items committed to the disk spool (durable, then acknowledged), by running ingests',
      labelNames: ['stream'] as const,
      collect() {
        this.reset()
        for (const source of sources) {
          for (const s of source().streams) this.inc({ stream: s.stream }, s.spooled)
        }
      },
    }),
    written: new Counter({
      name: 'quantrac_ingest_written_total',
      help: 'Items written to the time-series store',
      labelNames: ['stream'] as const,
    }),
    replayed: new Counter({
      name: 'quantrac_ingest_replayed_total',
      help: 'Items written that had waited in the spool through a store failure or a restart',
      labelNames: ['stream'] as const,
    }),
    writeFailures: new Counter({
      name: 'quantrac_ingest_write_failures_total',
      help: 'Store writes that failed (retried, or set aside when the store refused the data)',
      labelNames: ['stream', 'retryable'] as const,
    }),
    deadLettered: new Counter({
      name: 'quantrac_ingest_dead_lettered_total',
      help: 'Items the store refused as invalid, set aside in the dead-letter file',
      labelNames: ['stream'] as const,
    }),
    writeSeconds: new Histogram({
      name: 'quantrac_ingest_write_duration_seconds',
      help: 'Duration of successful store writes',
      labelNames: ['stream'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    lag: new Histogram({
      name: 'quantrac_ingest_lag_seconds',
      help: 'Receive time minus reading time of accepted readings',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86_400],
    }),
    spoolBytes: new Gauge({
      name: 'quantrac_ingest_spool_bytes',
      help: 'Bytes waiting in the disk spool',
      labelNames: ['stream'] as const,
      collect() {
        this.reset()
        for (const source of sources) {
          for (const s of source().streams) this.inc({ stream: s.stream }, s.bytes)
        }
      },
    }),
    spoolItems: new Gauge({
      name: 'quantrac_ingest_spool_items',
      help: 'Items waiting in the disk spool for the store',
      labelNames: ['stream'] as const,
      collect() {
        this.reset()
        for (const source of sources) {
          for (const s of source().streams) this.inc({ stream: s.stream }, s.items)
        }
      },
    }),
    spoolAge: new Gauge({
      name: 'quantrac_ingest_spool_oldest_age_seconds',
      help: 'Age of the oldest item waiting in the spool (0 when empty)',
      labelNames: ['stream'] as const,
      collect() {
        this.reset()
        const now = Date.now()
        for (const source of sources) {
          for (const s of source().streams) {
            this.set({ stream: s.stream }, s.oldest === undefined ? 0 : (now - s.oldest) / 1000)
          }
        }
      },
    }),
    spoolMaxBytes: new Gauge({
      name: 'quantrac_ingest_spool_max_bytes',
      help: 'Size at which the spool refuses more and ingest stops acknowledging',
      collect() {
        this.set(sum((g) => g.spoolMaxBytes))
      },
    }),
    unacknowledged: new Gauge({
      name: 'quantrac_ingest_unacknowledged_messages',
      help: 'Messages received and not yet acknowledged to the broker (waiting for the spool)',
      collect() {
        this.set(sum((g) => g.unacknowledged))
      },
    }),
    openAlerts: new Gauge({
      name: 'quantrac_open_alerts',
      help: 'Alerts open or acknowledged and not yet cleared',
      collect() {
        this.set(sum((g) => g.openAlerts))
      },
    }),
  }
}

/** Lets a running ingest report its gauges; returns the function that stops it. */
export function reportIngestGauges(source: () => IngestGauges): () => void {
  ingestMetrics()
  sources.add(source)
  return () => sources.delete(source)
}

export type IngestMetrics = ReturnType<typeof ingestMetrics>
