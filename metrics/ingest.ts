import { Counter, Gauge, Histogram } from 'prom-client'
import type { MetricsRegistry } from './index.ts'

/** What one running ingest reports when Prometheus scrapes. */
export interface IngestGauges {
  openAlerts: number
  /** The partitions a partitioned worker holds; undefined for an unpartitioned one. */
  partitions?: number
  unacknowledged: number
  spoolMaxBytes: number
  streams: { stream: string; items: number; bytes: number; oldest: number | undefined; spooled: number }[]
}

/**
 * Ingest's metrics in `registry`. Counters are incremented as things happen; gauges (spool, open alerts)
 * are read at scrape time from each ingest that reports to them (`report`). Once per registry, kept across
 * restarts of ingest so counters keep counting. Labels are bounded sets (reason, stream): never a sensor
 * id, which would make a series per sensor.
 */
export function createIngestMetrics(registry: MetricsRegistry) {
  const sources = new Set<() => IngestGauges>()
  const registers = [registry]
  const sum = (pick: (gauges: IngestGauges) => number) => {
    let total = 0
    for (const source of sources) total += pick(source())
    return total
  }
  return {
    /** Lets a running ingest report its gauges; returns the function that stops it. */
    report(source: () => IngestGauges): () => void {
      sources.add(source)
      return () => sources.delete(source)
    },
    received: new Counter({
      name: 'quantrac_ingest_messages_received_total',
      help: 'MQTT messages received on the readings subscription',
      registers,
    }),
    accepted: new Counter({
      name: 'quantrac_ingest_readings_accepted_total',
      help: 'Readings that passed validation',
      registers,
    }),
    rejected: new Counter({
      name: 'quantrac_ingest_rejected_total',
      help: 'Messages or batch items refused, by reason',
      registers,
      labelNames: ['reason'] as const,
    }),
    overRate: new Counter({
      name: 'quantrac_ingest_over_rate_total',
      help: "Messages that came faster than their sensor's rate limit (acknowledged by an external broker), kept all the same",
      registers,
    }),
    spooled: new Counter({
      name: 'quantrac_ingest_spooled_total',
      help: 'Items committed to the disk spool (durable, then acknowledged), by running ingests',
      registers,
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
      registers,
      labelNames: ['stream'] as const,
    }),
    replayed: new Counter({
      name: 'quantrac_ingest_replayed_total',
      help: 'Items written that had waited in the spool through a store failure or a restart',
      registers,
      labelNames: ['stream'] as const,
    }),
    writeFailures: new Counter({
      name: 'quantrac_ingest_write_failures_total',
      help: 'Store writes that failed (retried, or set aside when the store refused the data)',
      registers,
      labelNames: ['stream', 'retryable'] as const,
    }),
    deadLettered: new Counter({
      name: 'quantrac_ingest_dead_lettered_total',
      help: 'Items the store refused as invalid, set aside in the dead-letter file',
      registers,
      labelNames: ['stream'] as const,
    }),
    writeSeconds: new Histogram({
      name: 'quantrac_ingest_write_duration_seconds',
      help: 'Duration of successful store writes',
      registers,
      labelNames: ['stream'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    lag: new Histogram({
      name: 'quantrac_ingest_lag_seconds',
      help: 'Receive time minus reading time of accepted readings',
      registers,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86_400],
    }),
    spoolBytes: new Gauge({
      name: 'quantrac_ingest_spool_bytes',
      help: 'Bytes waiting in the disk spool',
      registers,
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
      registers,
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
      registers,
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
      registers,
      collect() {
        this.set(sum((g) => g.spoolMaxBytes))
      },
    }),
    unacknowledged: new Gauge({
      name: 'quantrac_ingest_unacknowledged_messages',
      help: 'Messages received and not yet acknowledged to the broker (waiting for the spool, or the store)',
      registers,
      collect() {
        this.set(sum((g) => g.unacknowledged))
      },
    }),
    partitions: new Gauge({
      name: 'quantrac_ingest_partitions_held',
      help: 'Facility partitions this partitioned ingest worker holds leases on (of 256)',
      registers,
      collect() {
        this.set(sum((g) => g.partitions ?? 0))
      },
    }),
    openAlerts: new Gauge({
      name: 'quantrac_open_alerts',
      help: 'Alerts open or acknowledged and not yet cleared',
      registers,
      collect() {
        this.set(sum((g) => g.openAlerts))
      },
    }),
  }
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>
