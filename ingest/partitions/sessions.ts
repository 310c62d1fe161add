import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { facilityReadingsSubscription, SERVICE_CLIENT_ID_PREFIX } from '../../core/topics.ts'
import type { MessageSink } from '../link/link.ts'
import { openMqttSession } from '../link/mqtt-session.ts'

export interface PartitionSessionsOptions {
  url: string
  username?: string
  password?: string
  sink: MessageSink
  /** A session's CONNACK not back by then fails its opening: the lease keeper's round must not wait longer. */
  connectTimeoutMs: number
  log: Logger
}

/**
 * The MQTT client id of a partition's session: the same whichever worker holds it, so the broker keeps
 * one queue per partition, and a new owner connecting takes the session — and with it what the last
 * owner had not acknowledged — over from the old one [MQTT-3.1.4-2].
 */
export function partitionClientId(partition: number): string {
  return `${SERVICE_CLIENT_ID_PREFIX}ingest-p${String(partition).padStart(3, '0')}`
}

/** Whether a client id is one of the partitions' (a worker must not take one as its own name). */
export function isPartitionClientId(clientId: string): boolean {
  return /^quantrac-ingest-p\d{3}$/.test(clientId)
}

interface Session {
  connection: MqttClient
  stop(): void
}

/**
 * A partitioned worker's sessions on the external broker, one per partition it holds, each subscribed to
 * its partition's facilities (`quantrac/v1/readings/{facility}/+`, QoS 1). While no worker holds a
 * partition its session stays in the broker (clean: false) and queues what its sensors send. MQTT.js does
 * not reconnect a session by itself: only while its lease is current may the worker take it again
 * (`reconnect`), or a paused old owner coming back would take it from the new one.
 */
export function partitionSessions(options: PartitionSessionsOptions) {
  const sessions = new Map<number, Session>()
  const log = options.log

  async function subscribe(connection: MqttClient, facilityIds: readonly string[]): Promise<void> {
    if (facilityIds.length === 0) return
    await connection.subscribeAsync(facilityIds.map(facilityReadingsSubscription), { qos: 1 })
  }

  return {
    /** Connects partition `partition`'s session and subscribes it to these facilities; the backlog follows. */
    async open(partition: number, facilityIds: readonly string[]): Promise<void> {
      if (sessions.has(partition)) return
      const session = await openMqttSession({
        url: options.url,
        username: options.username,
        password: options.password,
        clientId: partitionClientId(partition),
        sink: options.sink,
        forgetOnClose: false,
        reconnectPeriod: 0,
        connectTimeoutMs: options.connectTimeoutMs,
        log,
      })
      sessions.set(partition, session)
      await subscribe(session.connection, facilityIds)
    },
    /** A facility the registry announced, in a partition this worker holds: its readings come here too. */
    async addFacility(partition: number, facilityId: string): Promise<void> {
      const session = sessions.get(partition)
      if (session !== undefined) await subscribe(session.connection, [facilityId])
    },
    /** The partitions whose connection dropped, to be opened again while their leases hold. */
    disconnected(): number[] {
      return [...sessions].filter(([, s]) => !s.connection.connected).map(([p]) => p)
    },
    /** Connects a dropped session again (the worker checked its lease first). */
    reconnect(partition: number): void {
      const session = sessions.get(partition)
      if (session === undefined || session.connection.connected || session.connection.reconnecting) return
      session.connection.reconnect()
    },
    /**
     * Takes nothing more from the partition's session and closes its connection without acknowledging what
     * was not: the broker keeps it for the partition's next owner.
     */
    async close(partition: number): Promise<void> {
      const session = sessions.get(partition)
      if (session === undefined) return
      sessions.delete(partition)
      session.stop()
      await session.connection.endAsync(true)
    },
    async closeAll(): Promise<void> {
      await Promise.all([...sessions.keys()].map((p) => this.close(p)))
    },
    held: () => sessions.size,
  }
}

export type PartitionSessions = ReturnType<typeof partitionSessions>
