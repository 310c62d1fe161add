import type { BrokerClient } from '../../api/broker-client.ts'

/** Whether a topic matches a subscription filter with `+` and `#` [MQTT-4.7]: enough for tests. */
function matches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/')
  const topicLevels = topic.split('/')
  for (let i = 0; i < filterLevels.length; i++) {
    if (filterLevels[i] === '#') return true
    if (i >= topicLevels.length) return false
    if (filterLevels[i] !== '+' && filterLevels[i] !== topicLevels[i]) return false
  }
  return filterLevels.length === topicLevels.length
}

/**
 * A broker in memory for tests that drive the API with `inject`: every client's publish reaches every
 * client subscribed to it (the publisher too, as on an MQTT 3.1.1 broker), at once. `published` keeps what
 * was sent, to check what the API announced.
 */
export function memoryBroker() {
  const clients = new Set<{ filters: Set<string>; listeners: ((topic: string, payload: Buffer) => void)[] }>()
  const published: { topic: string; payload: string }[] = []

  function deliver(topic: string, payload: string) {
    for (const client of clients) {
      if (![...client.filters].some((filter) => matches(filter, topic))) continue
      for (const listener of client.listeners) listener(topic, Buffer.from(payload))
    }
  }

  return {
    published,
    /** Sends a message as another part would (ingest's live feed, another API instance). */
    publish(topic: string, payload: string) {
      published.push({ topic, payload })
      deliver(topic, payload)
    },
    client(): BrokerClient {
      const client = { filters: new Set<string>(), listeners: [] as ((t: string, p: Buffer) => void)[] }
      clients.add(client)
      return {
        async subscribe(filters) {
          for (const filter of typeof filters === 'string' ? [filters] : filters) client.filters.add(filter)
        },
        async unsubscribe(filters) {
          for (const filter of filters) client.filters.delete(filter)
        },
        onMessage(listener) {
          client.listeners.push(listener)
        },
        async publish(topic, payload) {
          published.push({ topic, payload })
          deliver(topic, payload)
        },
        connected: () => clients.has(client),
        async close() {
          clients.delete(client)
        },
      }
    },
  }
}

export type MemoryBroker = ReturnType<typeof memoryBroker>
