import { connect, type IPublishPacket, type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import type { MessageSink } from './link.ts'

export interface MqttSessionOptions {
  url: string
  username?: string
  password?: string
  /** Stable across restarts, so the broker keeps the session and sends again what was not acknowledged. */
  clientId: string
  /** Where messages go; each is acknowledged when the sink says so. */
  sink: MessageSink
  /**
   * Whether a lost connection tells the sink to forget what it had not acknowledged: right when this is
   * the sink's only connection; a partitioned worker's sessions share one sink, and each acknowledgement
   * checks its own connection anyway.
   */
  forgetOnClose: boolean
  /** MQTT.js reconnects after this many ms; 0: never (the caller decides). */
  reconnectPeriod: number
  /** A CONNACK not back by then ends the attempt. */
  connectTimeoutMs: number
  log: Logger
}

// Passed to MQTT.js's handleMessage callback: go on with the next packet, but send no PUBACK for this one.
// One shared instance, so the hot path allocates nothing.
const ACK_LATER = new Error('acknowledged once durable')

type SendPacket = (packet: { cmd: 'puback'; messageId: number }, cb?: () => void) => void

function noop(): void {}

/**
 * An MQTT.js connection on a persistent session (clean: false) whose PUBACKs the sink sends: what it has
 * not acknowledged, the broker keeps — while it is connected, away, or restarting — and sends again on the
 * next connection of this client id [MQTT-4.4.0-1].
 *
 * MQTT.js would PUBACK each QoS 1 message as soon as its handler returned; instead the session installs
 * MQTT.js's `handleMessage` hook, tells MQTT.js to send nothing, and sends each PUBACK itself when the sink
 * acknowledges it. (It uses MQTT.js's internal `_sendPacket`; opening fails loudly if it is missing.) Until
 * the sink resumes it, MQTT.js reads no further packet, so a full spool stops ingest reading.
 * Resolves once connected; the first connection's failure rejects.
 */
export async function openMqttSession(options: MqttSessionOptions) {
  const { sink, log } = options
  let stopped = false
  const connection: MqttClient = connect(options.url, {
    username: options.username,
    password: options.password,
    clientId: options.clientId,
    // A persistent session: what ingest has not acknowledged, the broker keeps and sends again.
    clean: false,
    reconnectPeriod: options.reconnectPeriod,
    connectTimeout: options.connectTimeoutMs,
  })
  const internal = connection as unknown as { _sendPacket?: SendPacket }
  if (typeof internal._sendPacket !== 'function') {
    connection.end(true)
    // Fail at start, not by losing data: manual PUBACKs depend on this MQTT.js internal.
    throw new Error('this MQTT.js version has no _sendPacket: manual acknowledgements are impossible')
  }
  const sendPacket = internal._sendPacket.bind(connection)

  // Message ids belong to one connection: a PUBACK due from an earlier one must not reach a later one.
  let connectionNumber = 0
  connection.on('close', function forgetUnacknowledged() {
    // The broker sends these again on the next connection; acknowledging them on it would be wrong.
    connectionNumber++
    if (options.forgetOnClose) sink.forgetUnacknowledged()
  })
  // Installed before the connection is up: the broker may send the session's backlog right after CONNACK.
  connection.handleMessage = function handleMessage(packet: IPublishPacket, callback) {
    // Stopping: not taken, not acknowledged, so the broker keeps it for the next start.
    if (stopped) return callback(ACK_LATER)
    const payload = packet.payload as Buffer
    const messageId = packet.messageId
    const receivedOn = connectionNumber
    if (packet.qos !== 1 || messageId === undefined) {
      sink.receive(packet.topic, payload, noop, () => callback())
      return
    }
    sink.receive(
      packet.topic,
      payload,
      function acknowledge() {
        if (connectionNumber === receivedOn && connection.connected) sendPacket({ cmd: 'puback', messageId })
      },
      () => callback(ACK_LATER),
    )
  }
  connection.on('error', (err) => log.error({ err, clientId: options.clientId }, 'MQTT client error'))
  await new Promise<void>((resolve, reject) => {
    function connected() {
      connection.removeListener('error', failed)
      connection.removeListener('close', closed)
      resolve()
    }
    // Only the first connection may fail the start; later errors are the reconnect loop's.
    function failed(err: Error) {
      connection.removeListener('connect', connected)
      connection.removeListener('close', closed)
      connection.end(true)
      reject(err)
    }
    // Closed before CONNACK without an error (MQTT.js's connect timeout, a broker hanging up): without a
    // reconnect loop nothing else would ever settle this.
    function closed() {
      if (options.reconnectPeriod === 0)
        failed(new Error(`connection to ${options.clientId}'s broker closed before CONNACK`))
    }
    connection.once('connect', connected)
    connection.once('error', failed)
    connection.on('close', closed)
  })
  return {
    connection,
    /** Takes no further message: what arrives from now on stays with the broker. */
    stop(): void {
      stopped = true
    },
  }
}
