import type { IncomingMessage } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { createServer as createTlsServer } from 'node:tls'
import { Aedes, type Client, type PublishPacket } from 'aedes'
import type { Logger } from 'pino'
import { PortInUseError } from '../core/config.ts'
import { DEFAULT_SENSOR_RATE_LIMIT, type RateLimitOptions } from '../core/rate-limit.ts'
import { parseReadingsTopic, parseSensorChangeTopic, SENSOR_CHANGES_SUBSCRIPTION } from '../core/topics.ts'
import type { InProcessBroker, ReadingsIntake } from '../ingest/link/embedded.ts'
import type { BrokerMetrics } from '../metrics/broker.ts'
import type { Registry } from '../registry/types.ts'
import { type AccessControl, type AccessOptions, createAccessControl } from './access.ts'
import { createPacketGuard } from './packet-guard.ts'
import { createPublishPacer } from './publish-pacer.ts'
import { topicMatches } from './topic-filter.ts'
import { createWebSocketListener, type WebSocketListenerOptions } from './websocket.ts'

export interface BrokerOptions extends AccessOptions {
  host: string
  port: number
  /** Largest MQTT packet (remaining length) a client may announce; its connection is cut before buffering. */
  maxPacketBytes?: number
  /**
   * Refuse sensors' publishes (unacknowledged, so sensors keep them) until a service subscribes to the
   * readings: after a restart of this broker, nothing is acknowledged before ingest can receive it.
   */
  awaitIngest?: boolean
  /**
   * Each sensor's rate: a publish over it waits, unacknowledged, until its token bucket allows, so the
   * sensor is slowed down and loses nothing. Services are not paced. DEFAULT_SENSOR_RATE_LIMIT when omitted.
   */
  sensorRateLimit?: RateLimitOptions
  /** A second listener, MQTT over TLS, with this certificate chain and key (PEM). */
  tls?: { host: string; port: number; cert: Buffer; key: Buffer }
  /** A listener of MQTT over WebSocket (ws://, or wss:// with `tls`), for gateways behind HTTP-only networks. */
  websocket?: WebSocketListenerOptions
}

/** Far above any sensor payload, far below what would hurt: one PUBLISH can never make the broker buffer more. */
export const DEFAULT_MAX_PACKET_BYTES = 1_048_576

export interface RunningBroker extends InProcessBroker {
  readonly broker: Aedes
  readonly port: number
  /** The TLS listener's port, when it has one. */
  readonly tlsPort: number | undefined
  /** The WebSocket listener's port, when it has one. */
  readonly webSocketPort: number | undefined
  readonly counters: AccessControl['counters']
  /**
   * Refuses sensors' publishes unacknowledged (sensors keep them): while ingest drains at shutdown, and at
   * start until ingest has subscribed, so nothing is acknowledged that no one would receive.
   */
  refuseSensorPublishes(): void
  acceptSensorPublishes(): void
  /**
   * Hands every publish on a topic matching `filter` to `intake`, in this process, before the publisher is
   * acknowledged: aedes sends the PUBACK only once `intake` calls `accept`, then routes the message to MQTT
   * subscribers as usual. Returns a function that detaches the intake; until another attaches (or a
   * service subscribes to the readings over MQTT), such publishes wait, unacknowledged, and their
   * publishers' connections are not read further.
   */
  takeReadings(filter: string, intake: ReadingsIntake): () => void
  close(): Promise<void>
}

/** A publish waiting for an intake: the callback aedes gave authorizePublish. */
interface Waiting {
  packet: PublishPacket
  authorized: (error?: Error | null) => void
}

/**
 * Starts an aedes broker on TCP (and TLS, with `tls`; WebSocket, with `websocket`) with quantrac's access
 * hooks, each sensor paced to its rate. Sensor credentials come from the registry; when the API announces that a sensor changed, its
 * connections are closed if their credentials no longer hold (rotated, revoked, decommissioned).
 */
export async function startBroker(
  options: BrokerOptions,
  registry: Pick<Registry, 'sensorAccess'>,
  log: Logger,
  /** Where the broker reports its counts: the platform's registry. */
  metrics: BrokerMetrics,
): Promise<RunningBroker> {
  const access = createAccessControl(options, registry, log)
  const broker = await Aedes.createBroker({
    // A subscriber that stops reading must not stall delivery to every other client.
    drainTimeout: 30_000,
    concurrency: 1000,
  })
  broker.preConnect = access.preConnect
  broker.authenticate = access.authenticate
  let refusingSensors = options.awaitIngest === true
  let awaitingIngest = refusingSensors
  // Where readings go: to an intake in this process, or (once a service subscribed to them) over MQTT.
  let intake: ReadingsIntake | undefined
  let intakeFilter: string | undefined
  let readingsSubscribed = false
  let waiting: Waiting[] = []

  function ingestReady(by: string): void {
    if (!awaitingIngest) return
    awaitingIngest = false
    refusingSensors = false
    log.info({ by }, 'ingest subscribed: sensors may publish')
  }

  let paced = 0
  const pacer = createPublishPacer(options.sensorRateLimit ?? DEFAULT_SENSOR_RATE_LIMIT, () => paced++)

  broker.on('subscribe', function noteReadingsSubscriber(subscriptions, client) {
    // Only the services subscribe (access.authorizeSubscribe); checked again here, where it opens the gate.
    if (readingsSubscribed || client === null || access.identityOf(client)?.kind !== 'service') return
    if (!subscriptions.some((s) => topicMatches(s.topic, SAMPLE_READINGS_TOPIC))) return
    readingsSubscribed = true
    ingestReady(client.id)
    // An ingest over MQTT took over from one in this process: what waited is routed to it.
    const released = waiting
    waiting = []
    for (const { authorized } of released) authorized(null)
  })

  broker.authorizePublish = function authorizePublish(client, packet, done) {
    // Shutting down, or ingest not subscribed yet: a sensor's publish gets no PUBACK (the connection is
    // closed [MQTT-3.3.5-2]), so the sensor keeps it and sends it again later.
    if (refusingSensors && client !== null && access.identityOf(client)?.kind !== 'service') {
      return done(new Error('broker shutting down'))
    }
    access.authorizePublish(client, packet, function paceThenRoute(error) {
      if (error) return done(error)
      const sensorId = client === null ? undefined : pacedKey(client, packet)
      if (sensorId === undefined) route(packet, done)
      else pacer.pace(sensorId, () => route(packet, done))
    })
  }
  broker.authorizeSubscribe = access.authorizeSubscribe

  /** The sensor whose rate a publish counts against: none for the services. */
  function pacedKey(client: Client, packet: PublishPacket): string | undefined {
    const identity = access.identityOf(client)
    if (identity?.kind === 'sensor') return identity.sensorId
    if (identity?.kind === 'anonymous') return parseReadingsTopic(packet.topic)?.sensorId
    return undefined
  }

  /** Lets aedes route the publish, or first hands it to the intake in this process when it takes that topic. */
  function route(packet: PublishPacket, done: (error?: Error | null) => void): void {
    if (intakeFilter === undefined || !topicMatches(intakeFilter, packet.topic)) done(null)
    else if (intake !== undefined) intake(packet, done)
    else if (readingsSubscribed) done(null)
    else waiting.push({ packet, authorized: done })
  }

  broker.on('clientError', function logClientError(client, err) {
    log.debug({ clientId: client.id, err }, 'MQTT client error')
  })
  // Errors before a client has an id: a malformed first packet, a refused protocol version.
  broker.on('connectionError', function logConnectionError(client, err) {
    log.debug({ remoteAddress: (client.conn as Partial<Socket>).remoteAddress, err }, 'MQTT connection error')
  })

  async function dropStaleConnections(sensorId: string): Promise<void> {
    access.forget(sensorId)
    const current = await registry.sensorAccess(sensorId)
    for (const client of [...access.clientsOf(sensorId)]) {
      const identity = access.identityOf(client)
      if (identity?.kind !== 'sensor') continue
      const valid =
        current?.status === 'active' &&
        current.secretHash !== undefined &&
        current.credentialVersion === identity.credentialVersion
      if (!valid) {
        log.info({ sensorId, clientId: client.id }, 'sensor credentials changed: connection closed')
        client.close()
      }
    }
  }

  broker.subscribe(
    SENSOR_CHANGES_SUBSCRIPTION,
    function onSensorChange(packet, done) {
      const sensorId = parseSensorChangeTopic(packet.topic)
      if (sensorId !== undefined) {
        dropStaleConnections(sensorId).catch((err) =>
          log.error({ err, sensorId }, 'could not re-check a sensor'),
        )
      }
      done()
    },
    () => {},
  )

  const maxPacketBytes = options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES
  const oversized = { 'too-large': 0, 'malformed-length': 0 }
  const guardConnection = createPacketGuard(maxPacketBytes, function refuseOversized(refusal, stream) {
    oversized[refusal]++
    // A WebSocket's stream has no address: that of the HTTP request it upgraded, kept by its aedes client.
    const remoteAddress =
      (stream as Partial<Socket>).remoteAddress ??
      (stream as { client?: Client }).client?.req?.socket.remoteAddress
    log.warn({ remoteAddress, refusal, maxPacketBytes }, 'MQTT connection cut: packet larger than allowed')
  })
  /** Every transport's byte stream goes through the same guard and the same hooks. */
  function handleConnection(socket: Socket | Duplex, request?: IncomingMessage) {
    guardConnection(socket)
    broker.handle(socket, request)
  }
  // No Nagle: with it, a QoS 1 alert to the API waited behind un-ACKed live-feed frames for the peer's
  // delayed ACK (20–40 ms on Linux); MQTT packets are small and each one is meant to go now.
  const server = createServer({ noDelay: true }, handleConnection)
  const tls = options.tls
  const tlsServer =
    tls &&
    createTlsServer(
      // A client that never finishes its handshake holds a socket: 10 s, not Node's 120 s.
      { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', handshakeTimeout: 10_000, noDelay: true },
      handleConnection,
    )
  tlsServer?.on('tlsClientError', function logTlsError(err, socket) {
    log.debug({ remoteAddress: socket.remoteAddress, err }, 'MQTT over TLS: handshake failed')
  })
  const webSocketServer =
    options.websocket && createWebSocketListener(options.websocket, maxPacketBytes, handleConnection)
  const stopReporting = metrics.report(() => ({
    connections: broker.connectedClients,
    refused: [
      ...access.refusals(),
      ...Object.entries(oversized).map(([reason, count]) => ({ kind: 'packet-too-large', reason, count })),
    ],
    paced,
    pacedNow: pacer.held(),
  }))
  const port = await listen(server, options.host, options.port, 'QUANTRAC_MQTT_PORT')
  log.info({ host: options.host, port }, `MQTT broker listening on mqtt://${options.host}:${port}`)
  let tlsPort: number | undefined
  if (tls !== undefined && tlsServer !== undefined) {
    tlsPort = await listen(tlsServer, tls.host, tls.port, 'QUANTRAC_MQTT_TLS_PORT').catch((err: Error) => {
      server.close()
      throw err
    })
    log.info({ host: tls.host, port: tlsPort }, `MQTT over TLS listening on mqtts://${tls.host}:${tlsPort}`)
  }
  let webSocketPort: number | undefined
  const webSocket = options.websocket
  if (webSocket !== undefined && webSocketServer !== undefined) {
    webSocketPort = await listen(
      webSocketServer,
      webSocket.host,
      webSocket.port,
      'QUANTRAC_MQTT_WS_PORT',
    ).catch((err: Error) => {
      server.close()
      tlsServer?.close()
      throw err
    })
    const scheme = webSocket.tls === undefined ? 'ws' : 'wss'
    log.info(
      { host: webSocket.host, port: webSocketPort },
      `MQTT over WebSocket listening on ${scheme}://${webSocket.host}:${webSocketPort}${webSocket.path}`,
    )
    if (webSocket.tls === undefined && !isLoopback(webSocket.host)) {
      log.warn(
        { host: webSocket.host },
        'the plain MQTT-over-WebSocket listener is reachable from the network: sensor passwords cross it readable. Serve it over TLS (QUANTRAC_MQTT_WS_TLS=true) or behind a proxy that terminates TLS',
      )
    }
  }
  if (!isLoopback(options.host)) {
    log.warn(
      { host: options.host },
      'the plain MQTT listener is reachable from the network: sensor passwords cross it readable. Listen on 127.0.0.1 (QUANTRAC_LISTEN_HOST) and let sensors connect over TLS (QUANTRAC_MQTT_TLS_CERT, QUANTRAC_MQTT_TLS_KEY)',
    )
  }
  if (options.allowAnonymous) {
    log.warn(
      'MQTT broker ACCEPTS ANONYMOUS CLIENTS (QUANTRAC_MQTT_ALLOW_ANONYMOUS=true): anyone who reaches this port can publish readings. For local testing only.',
    )
  }

  return {
    broker,
    port,
    tlsPort,
    webSocketPort,
    counters: access.counters,
    refuseSensorPublishes() {
      refusingSensors = true
    },
    acceptSensorPublishes() {
      refusingSensors = false
    },
    takeReadings(filter, take) {
      intake = take
      intakeFilter = filter
      ingestReady('ingest in this process')
      const released = waiting
      waiting = []
      for (const { packet, authorized } of released) take(packet, authorized)
      return function detachIntake() {
        if (intake === take) intake = undefined
      }
    },
    async close() {
      stopReporting()
      // Stop accepting first, then let aedes disconnect its clients.
      const closed = [server, tlsServer, webSocketServer].map(
        (listener) =>
          new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve())),
      )
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      // HTTP connections kept alive after a refused plain request would hold the close.
      webSocketServer?.closeAllConnections()
      await Promise.all(closed)
    },
  }
}

/** A readings topic: a subscription filter that matches it receives the readings. */
const SAMPLE_READINGS_TOPIC = 'quantrac/v1/readings/f/s'

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function listen(server: Server, host: string, port: number, setting: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(
              `MQTT port ${port} on ${host} is already in use: stop the other broker or set ${setting}`,
            )
          : err,
      )
    })
    server.listen(port, host, () => {
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : port)
    })
  })
}
