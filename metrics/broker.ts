import { Counter, Gauge } from 'prom-client'
import { processWide } from './index.ts'

/** What one running broker reports when Prometheus scrapes. */
export interface BrokerCounts {
  connections: number
  /** Refused CONNECTs, PUBLISHes and SUBSCRIBEs, and connections cut for an oversized packet, by reason. */
  refused: { kind: string; reason: string; count: number }[]
  /** Sensor publishes held back (unacknowledged) for their sensor's rate limit, so far and now. */
  paced: number
  pacedNow: number
}

const shared = processWide('broker', () => ({
  sources: new Set<() => BrokerCounts>(),
  made: false,
}))

function sum(pick: (counts: BrokerCounts) => number): number {
  let total = 0
  for (const source of shared.sources) total += pick(source())
  return total
}

function create(): void {
  const { sources } = shared
  new Gauge({
    name: 'quantrac_broker_connections',
    help: 'MQTT clients connected to the embedded broker',
    collect() {
      this.set(sum((counts) => counts.connections))
    },
  })
  new Counter({
    name: 'quantrac_broker_refused_total',
    help: 'Connections, publishes and subscriptions the broker refused, and connections it cut for an oversized packet, by kind and reason',
    labelNames: ['kind', 'reason'] as const,
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
    collect() {
      this.reset()
      this.inc(sum((counts) => counts.paced))
    },
  })
  new Gauge({
    name: 'quantrac_broker_paced_publishes',
    help: 'Sensor publishes waiting now for their sensor to be within its rate limit',
    collect() {
      this.set(sum((counts) => counts.pacedNow))
    },
  })
}

/** Lets a running broker report its counts; returns the function that stops it. */
export function reportBrokerCounts(source: () => BrokerCounts): () => void {
  if (!shared.made) {
    shared.made = true
    create()
  }
  shared.sources.add(source)
  return () => shared.sources.delete(source)
}
