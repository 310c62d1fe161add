import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import { createWebSocketStream, WebSocketServer } from 'ws'

export interface WebSocketListenerOptions {
  host: string
  port: number
  /** The HTTP path clients connect to: `/mqtt`, as MQTT.js, EMQX and HiveMQ clients default to. */
  path: string
  /** wss:// with this certificate chain and key (PEM); ws:// without. */
  tls?: { cert: Buffer; key: Buffer }
}

/** The subprotocols of MQTT over WebSocket: `mqtt` [MQTT-6.0.0-3], and `mqttv3.1` of older clients. */
const MQTT_SUBPROTOCOLS = ['mqtt', 'mqttv3.1']

/**
 * An HTTP(S) server that carries MQTT over WebSocket [MQTT-6.0.0]: each connection's binary frames become
 * one byte stream handed to `handle`, as a TCP socket is, so the broker's hooks apply unchanged. One
 * WebSocket message holds at most `maxPacketBytes` plus a fixed header (the packet guard checks the
 * stream); anything but an upgrade to `path` is answered 426.
 */
export function createWebSocketListener(
  options: WebSocketListenerOptions,
  maxPacketBytes: number,
  handle: (stream: Duplex, request: IncomingMessage) => void,
): Server {
  const server =
    options.tls === undefined
      ? createHttpServer()
      : createHttpsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' })
  // A client that never finishes its handshake or its upgrade holds a socket: 10 s, not Node's minutes.
  server.headersTimeout = 10_000
  server.requestTimeout = 10_000
  server.on('request', function refuseHttp(_request, response) {
    response.writeHead(426, { upgrade: 'websocket', 'content-type': 'text/plain; charset=utf-8' })
    response.end(`MQTT over WebSocket: open a WebSocket to ${options.path} with the subprotocol "mqtt"\n`)
  })
  const webSockets = new WebSocketServer({
    server,
    path: options.path,
    // 5 bytes: the largest fixed header [MQTT-2.2.3].
    maxPayload: maxPacketBytes + 5,
    handleProtocols: (offered) => MQTT_SUBPROTOCOLS.find((protocol) => offered.has(protocol)) ?? false,
  })
  // ws repeats the HTTP server's errors here, where nobody listens: `listen` in server.ts handles them there.
  webSockets.on('error', () => {})
  webSockets.on('connection', function handleWebSocket(webSocket, request) {
    handle(createWebSocketStream(webSocket), request)
  })
  return server
}
