import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { REGISTRY_ANNOUNCEMENTS } from '../../core/topics.ts'
import type { BrokerLink, MessageSink } from './link.ts'
import { openMqttSession } from './mqtt-session.ts'

export interface MqttLinkOptions {
  url: string
  username?: string
  password?: string
  /** Stable across restarts, so the broker keeps the session and sends again what was not acknowledged. */
  clientId: string
  /**
   * The readings subscription (README, Scaling out: not a `$share/…` group); none for a partitioned worker,
   * whose partitions' sessions subscribe to their facilities (`../partitions/sessions.ts`).
   */
  subscription?: string
  log: Logger
}

/**
 * Ingest on any MQTT broker, through MQTT.js, on a persistent session whose PUBACKs go out only once the
 * sink has made each message durable (`mqtt-session.ts`). It carries the registry's announcements and
 * ingest's own publishes, and — unless the worker is partitioned — the readings.
 */
export function mqttLink(options: MqttLinkOptions): BrokerLink {
  const { log } = options
  // A URL may carry credentials (mqtt://user:password@host): never in the log.
  const description = options.url.replace(/\/\/[^/@]*@/, '//')
  let client: MqttClient | undefined
  let stop: (() => void) | undefined

  async function open(sink: MessageSink): Promise<void> {
    const session = await openMqttSession({
      url: options.url,
      username: options.username,
      password: options.password,
      clientId: options.clientId,
      sink,
      forgetOnClose: true,
      reconnectPeriod: 1000,
      connectTimeoutMs: 30_000,
      log,
    })
    client = session.connection
    stop = session.stop
    client.on('reconnect', () => log.warn({ url: description }, 'reconnecting to the MQTT broker'))
    // Registry changes first: a facility's rules must be current before its readings are judged.
    for (const announcements of REGISTRY_ANNOUNCEMENTS) await client.subscribeAsync(announcements, { qos: 1 })
    if (options.subscription !== undefined) await client.subscribeAsync(options.subscription, { qos: 1 })
  }

  return {
    description,
    pacedAtSource: false,
    open,
    publish(topic, payload, qos) {
      client?.publish(topic, payload, { qos })
    },
    stop() {
      stop?.()
    },
    async close() {
      await client?.endAsync()
    },
  }
}
