import type { IPublishPacket, MqttClient } from 'mqtt'
import type { Logger } from 'pino'

/** What delivery needs of a batch writer. */
export interface Committable {
  /** Makes what was added durable; false when it could not (the spool is full or failing). */
  commit(): boolean
  uncommitted(): number
}

export interface DeliveryOptions {
  client: MqttClient
  writers: readonly Committable[]
  /** Longest wait before what arrived is committed and acknowledged (group commit). */
  commitIntervalMs: number
  /** …or as soon as this many items wait. */
  commitItems: number
  /**
   * Handles one message: decode, add to the writers. Synchronous, except when it must first look something
   * up (a sensor the directory has not heard of yet): then it returns a promise, and no further message is
   * read until it settles, so the order of messages and of their acknowledgements is kept.
   */
  onMessage(topic: string, payload: Buffer): Promise<void> | undefined
  log: Logger
}

/** While the spool refuses, commits are retried this often. */
const RETRY_COMMIT_MS = 500

// Passed to MQTT.js's handleMessage callback: go on with the next packet, but send no PUBACK for this one.
// One shared instance, so the hot path allocates nothing.
const ACK_LATER = new Error('acknowledged once durable')

type SendPacket = (packet: { cmd: 'puback'; messageId: number }, cb?: () => void) => void

/**
 * At-least-once delivery from the broker into the spool. MQTT.js would PUBACK each QoS 1 message as soon as
 * its handler returned; instead, the messages' contents are committed to the spool every
 * `commitIntervalMs` (one fsync for all of them) and only then acknowledged, in the order received
 * [MQTT-4.6.0-2]. A message whose PUBACK was not sent — ingest crashed, the connection broke, the spool was
 * full — stays with the broker, which sends it again on the next connection of this client id
 * [MQTT-4.4.0-1], since ingest connects with a persistent session (clean: false).
 *
 * While the spool refuses commits, ingest stops reading from the broker: the handler's callback is held,
 * MQTT.js reads no further packet, and the broker keeps the rest.
 */
export function createDelivery(options: DeliveryOptions) {
  const { client, writers, log } = options
  const internal = client as unknown as { _sendPacket?: SendPacket }
  if (typeof internal._sendPacket !== 'function') {
    // Fail at start, not by losing data: manual PUBACKs depend on this MQTT.js internal.
    throw new Error('this MQTT.js version has no _sendPacket: manual acknowledgements are impossible')
  }
  const sendPacket = internal._sendPacket.bind(client)
  let unacknowledged: number[] = []
  let held: (() => void) | undefined
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let acknowledged = 0
  let blocked = false

  client.on('close', function forgetUnacknowledged() {
    // The broker sends these again on the next connection; acknowledging them on it would be wrong.
    unacknowledged = []
    release()
  })

  client.handleMessage = function handleMessage(packet: IPublishPacket, callback) {
    // Closing: not taken, not acknowledged, so the broker keeps it for the next start.
    if (stopped) return callback(ACK_LATER)
    let pending: Promise<void> | undefined
    try {
      pending = options.onMessage(packet.topic, packet.payload as Buffer)
    } catch (err) {
      log.error({ err, topic: packet.topic }, 'message handler failed')
    }
    if (pending === undefined) return handled(packet, callback)
    pending
      .catch((err) => log.error({ err, topic: packet.topic }, 'message handler failed'))
      .then(() => handled(packet, callback))
  }

  /** After a message was handled: queue its acknowledgement for the next commit. */
  function handled(packet: IPublishPacket, callback: (error?: Error) => void): void {
    if (packet.qos !== 1 || packet.messageId === undefined) {
      callback()
      return
    }
    unacknowledged.push(packet.messageId)
    let due = 0
    for (const writer of writers) due += writer.uncommitted()
    if (due >= options.commitItems) commit()
    else timer ??= setTimeout(commit, options.commitIntervalMs)
    // The spool refuses: read no further packet until a commit succeeds.
    if (blocked) held = () => callback(ACK_LATER)
    else callback(ACK_LATER)
  }

  function release(): void {
    const resume = held
    held = undefined
    resume?.()
  }

  /** Commits every writer and, when all succeeded, acknowledges every message received so far. */
  function commit(): boolean {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    let ok = true
    for (const writer of writers) if (!writer.commit()) ok = false
    blocked = !ok
    if (!ok) {
      timer = setTimeout(commit, RETRY_COMMIT_MS)
      return false
    }
    if (client.connected) {
      for (const messageId of unacknowledged) sendPacket({ cmd: 'puback', messageId })
      acknowledged += unacknowledged.length
    }
    unacknowledged = []
    release()
    return true
  }

  return {
    commit,
    /** Messages received and not yet acknowledged. */
    unacknowledged: () => unacknowledged.length,
    acknowledged: () => acknowledged,
    /**
     * Stops taking messages (later ones stay with the broker), commits and acknowledges what was taken.
     * Returns whether the commit succeeded; if not, the broker sends those messages again.
     */
    stop(): boolean {
      stopped = true
      const ok = commit()
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      release()
      return ok
    },
  }
}
