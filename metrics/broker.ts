import { Counter, Gauge } from 'prom-client'
import type { MetricsRegistry } from './index.ts'

/** What one running broker reports when Prometheus scrapes. */
export interface BrokerCounts {
  connections: number
  /** Refused CONNECTs, PUBLISHes and SUBSCRIBEs, and connections cut for an oversized packet, by reason. */
  refused: { kind: string; reason: string; count: number }[]
  /** Sensor publishes held back (unacknowledged) for their sensor's rate limit, so far and now. */
  paced: number
  pacedNow: number
}

/**
 * The broker's metrics in `registry`, read at scrape time from the brokers that report to them (`report`).
 * Once per registry: prom-client refuses a second metric of the same name.
 */
export function createBrokerMetrics(registry: MetricsRegistry) {
  const sources = new Set<() => BrokerCounts>()
  const registers = [registry]
  const sum = (pick: (counts: BrokerCounts) => number) => {
    let total = 0
    for (const source of sources) total += pick(source())
    return total
  }
  new Gauge({
    name: 'quantrac_broker_connections',
    help: 'MQTT clients connected to the embedded broker',
    registers,
    collect() {
      this.set(sum((counts) => counts.connections))
    },
  })
  new Counter({
    name: 'quantrac_broker_refused_total',
    help: 'Connections, publishes and subscriptions the broker refused, and connections it cut for an oversized packet, by kind and reason',
    labelNames: ['kind', 'reason'] as const,
    registers,
    collect() {
      this.reset()
      for (const source of sources) {
        for (const { kind, reason, count } of source().refused) this.inc({ kind, reason }, count)
      }
    },
  })
  new Counter({
    name: 'quantrac_broker_paced_total',
    help: 'Sensor publishes the broker held back, unacknowledged, until the sensor was within its rate limit (slowed down, not dropped)',
    registers,
    collect() {
      this.reset()
      this.inc(sum((counts) => counts.paced))
    },
  })
  new Gauge({
    name: 'quantrac_broker_paced_publishes',
    help: 'Sensor publishes waiting now for their sensor to be within its rate limit',
    registers,
    collect() {
      this.set(sum((counts) => counts.pacedNow))
    },
  })
  return {
    /** Lets a running broker report its counts; returns the function that stops it. */
    report(source: () => BrokerCounts): () => void {
      sources.add(source)
      return () => sources.delete(source)
    },
  }
}

export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>
