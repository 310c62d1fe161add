import { Counter, Gauge } from 'prom-client'
import { processWide } from './index.ts'

/** What one running broker reports when Prometheus scrapes. */
export interface BrokerCounts {
  connections: number
  refused: { connection: number; publish: number; subscribe: number; 'packet-too-large': number }
}

const shared = processWide('broker', () => ({
  sources: new Set<() => BrokerCounts>(),
  made: false,
}))

function create(): void {
  const { sources } = shared
  new Gauge({
    name: 'quantrac_broker_connections',
    help: 'MQTT clients connected to the embedded broker',
    collect() {
      let total = 0
      for (const source of sources) total += source().connections
      this.set(total)
    },
  })
  new Counter({
    name: 'quantrac_broker_refused_total',
    help: 'Connections, publishes and subscriptions the broker refused, and connections it cut for an oversized packet',
    labelNames: ['kind'] as const,
    collect() {
      this.reset()
      for (const source of sources) {
        for (const [kind, count] of Object.entries(source().refused)) this.inc({ kind }, count)
      }
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
