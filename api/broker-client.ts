import { connectAsync } from 'mqtt'
import type { Logger } from 'pino'

/**
 * What the API needs of the broker: the live feed ingest publishes and the registry's change announcements
 * (received), its own announcements (sent), and whether it is connected. The callers pass one in —
 * `connectBrokerClient` over MQTT in `quantrac start`, `quantrac api` and the integration tests, an
 * in-memory one (test/support/memory-broker.ts) in the tests that drive the app with `inject` — so the app
 * can be built without a broker running.
 */
export interface BrokerClient {
  /** Receives the messages of `filter` at QoS 1 from now on; rejects when the broker refuses it. */
  subscribe(filter: string): Promise<void>
  /** Hears every message of every subscription; listeners tell the topics they want apart themselves. */
  onMessage(listener: (topic: string, payload: Buffer) => void): void
  /** Publishes at QoS 1; resolves once the broker has it. */
  publish(topic: string, payload: string): Promise<void>
  connected(): boolean
  close(): Promise<void>
}

export interface BrokerClientOptions {
  url: string
  /** The services' credentials. */
  username?: string
  password?: string
  log: Logger
}

/** Connects to the broker with the services' credentials; resolves once connected. */
export async function connectBrokerClient(options: BrokerClientOptions): Promise<BrokerClient> {
  const client = await connectAsync(options.url, {
    username: options.username,
    password: options.password,
    // Several API instances share a broker: each needs its own client id, or they would take turns.
    clientId: `quantrac-api-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 1000,
  })
  client.on('error', (err) => options.log.error({ err }, 'MQTT client error'))
  return {
    async subscribe(filter) {
      await client.subscribeAsync(filter, { qos: 1 })
    },
    onMessage(listener) {
      client.on('message', (topic, payload) => listener(topic, payload))
    },
    async publish(topic, payload) {
      await client.publishAsync(topic, payload, { qos: 1 })
    },
    connected: () => client.connected,
    close: () => client.endAsync(),
  }
}
