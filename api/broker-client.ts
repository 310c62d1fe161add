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
  /** Receives the messages of the filters at QoS 1 from now on; rejects when the broker refuses one. */
  subscribe(filters: string | readonly string[]): Promise<void>
  /** Stops receiving the messages of the filters; resolves once the broker has taken them off. */
  unsubscribe(filters: readonly string[]): Promise<void>
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
    async subscribe(filters) {
      const granted = await client.subscribeAsync(typeof filters === 'string' ? filters : [...filters], {
        qos: 1,
      })
      // MQTT 3.1.1 refuses a filter in the SUBACK (0x80) [MQTT-3.9.3-2], not with an error.
      const refused = granted.filter((grant) => grant.qos === 128).map((grant) => grant.topic)
      if (refused.length > 0) throw new Error(`the broker refused the subscription to ${refused.join(', ')}`)
    },
    async unsubscribe(filters) {
      await client.unsubscribeAsync([...filters])
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
