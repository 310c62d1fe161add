import { connect, type Socket } from 'node:net'

/**
 * A deliberately small MQTT 3.1.1 client for load generation: CONNECT, QoS 1 PUBLISH with a bounded
 * window of unacknowledged packets, PUBACK, DISCONNECT, nothing else. MQTT.js costs about as much CPU
 * per publish as the broker does to route it; on two cores a cheap generator leaves the CPU to the
 * system under test. Packets follow MQTT 3.1.1 §3.1 (CONNECT), §3.3 (PUBLISH), §3.4 (PUBACK).
 */
export interface WireClient {
  readonly inFlight: number
  /** Sends a QoS 1 PUBLISH; `onAck` runs on its PUBACK. The caller keeps `inFlight` under its window. */
  publish(topic: Buffer, payload: string, onAck: () => void): void
  cork(): void
  uncork(): void
  /** DISCONNECT and close; resolves when the socket is closed. */
  close(): Promise<void>
  /** Set when the connection failed or the broker closed it. */
  readonly error: Error | undefined
}

const CONNACK = 2
const PUBACK = 4
const PROTOCOL = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04]) // "MQTT", level 4
const CLEAN_SESSION = 0x02
const MAX_PACKET_ID = 0xffff

function remainingLengthBytes(length: number): number {
  return length < 128 ? 1 : length < 16_384 ? 2 : length < 2_097_152 ? 3 : 4
}

function writeRemainingLength(buffer: Buffer, offset: number, length: number): number {
  let value = length
  do {
    let byte = value % 128
    value = Math.floor(value / 128)
    if (value > 0) byte |= 0x80
    buffer[offset++] = byte
  } while (value > 0)
  return offset
}

const USERNAME_FLAG = 0x80
const PASSWORD_FLAG = 0x40

function connectPacket(
  clientId: string,
  keepaliveSeconds: number,
  username?: string,
  password?: string,
): Buffer {
  // Payload fields in order: client id, user name, password, each with a 2-byte length [MQTT-3.1.3-1].
  const fields = [clientId, username, username === undefined ? undefined : password]
    .filter((field): field is string => field !== undefined)
    .map((field) => Buffer.from(field))
  const remaining = PROTOCOL.length + 1 + 2 + fields.reduce((sum, field) => sum + 2 + field.length, 0)
  const packet = Buffer.alloc(1 + remainingLengthBytes(remaining) + remaining)
  packet[0] = 0x10
  let offset = writeRemainingLength(packet, 1, remaining)
  offset += PROTOCOL.copy(packet, offset)
  let flags = CLEAN_SESSION
  if (username !== undefined) flags |= USERNAME_FLAG
  if (username !== undefined && password !== undefined) flags |= PASSWORD_FLAG
  packet[offset++] = flags
  offset = packet.writeUInt16BE(keepaliveSeconds, offset)
  for (const field of fields) {
    offset = packet.writeUInt16BE(field.length, offset)
    offset += field.copy(packet, offset)
  }
  return packet
}

export interface WireConnectOptions {
  host: string
  port: number
  clientId: string
  /** 0 turns keep-alive off [MQTT-3.1.2-24 does not apply then], so idle clients need no PINGREQ. */
  keepaliveSeconds?: number
  username?: string
  password?: string
  timeoutMs?: number
}

export function connectWire(options: WireConnectOptions): Promise<WireClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: options.host, port: options.port, noDelay: true })
    const acks: ((() => void) | undefined)[] = new Array(MAX_PACKET_ID + 1)
    let nextId = 1
    let inFlight = 0
    let pending: Buffer | undefined
    let connected = false
    let error: Error | undefined
    let closing = false
    const timer = setTimeout(
      () => fail(new Error(`no CONNACK within ${options.timeoutMs ?? 10_000} ms`)),
      options.timeoutMs ?? 10_000,
    )

    function fail(err: Error): void {
      error ??= err
      clearTimeout(timer)
      socket.destroy()
      if (!connected) reject(err)
    }

    socket.on('error', fail)
    socket.on('close', function onWireClose() {
      if (!connected) fail(new Error('connection closed before CONNACK'))
      else error ??= closing ? undefined : new Error('broker closed the connection')
    })
    socket.on('connect', function onWireConnect() {
      socket.write(
        connectPacket(options.clientId, options.keepaliveSeconds ?? 0, options.username, options.password),
      )
    })
    socket.on('data', function onWireData(chunk: Buffer) {
      let data = pending === undefined ? chunk : Buffer.concat([pending, chunk])
      let offset = 0
      while (data.length - offset >= 2) {
        // Remaining length: up to 4 bytes of 7 bits [MQTT-2.2.3].
        let length = 0
        let multiplier = 1
        let cursor = offset + 1
        let complete = false
        while (cursor < data.length && cursor <= offset + 4) {
          const byte = data[cursor++] as number
          length += (byte & 0x7f) * multiplier
          multiplier *= 128
          if ((byte & 0x80) === 0) {
            complete = true
            break
          }
        }
        if (!complete || data.length - cursor < length) break
        const type = (data[offset] as number) >> 4
        if (type === PUBACK) {
          const id = data.readUInt16BE(cursor)
          const onAck = acks[id]
          if (onAck !== undefined) {
            acks[id] = undefined
            inFlight--
            onAck()
          }
        } else if (type === CONNACK) {
          const code = data[cursor + 1]
          if (code !== 0) return fail(new Error(`CONNACK refused the connection with code ${code}`))
          connected = true
          clearTimeout(timer)
          resolve(client)
        }
        offset = cursor + length
      }
      data = data.subarray(offset)
      pending = data.length > 0 ? Buffer.from(data) : undefined
    })

    const client: WireClient = {
      get inFlight() {
        return inFlight
      },
      get error() {
        return error
      },
      publish(topic, payload, onAck) {
        let id = nextId
        // Skip ids still waiting for their PUBACK (possible only with a window near 65 535).
        while (acks[id] !== undefined) id = id === MAX_PACKET_ID ? 1 : id + 1
        nextId = id === MAX_PACKET_ID ? 1 : id + 1
        const payloadBytes = Buffer.byteLength(payload)
        const remaining = 2 + topic.length + 2 + payloadBytes
        const packet = Buffer.allocUnsafe(1 + remainingLengthBytes(remaining) + remaining)
        packet[0] = 0x32 // PUBLISH, QoS 1, no DUP, no RETAIN
        let offset = writeRemainingLength(packet, 1, remaining)
        offset = packet.writeUInt16BE(topic.length, offset)
        offset += topic.copy(packet, offset)
        offset = packet.writeUInt16BE(id, offset)
        packet.write(payload, offset)
        acks[id] = onAck
        inFlight++
        socket.write(packet)
      },
      cork: () => socket.cork(),
      uncork: () => socket.uncork(),
      close() {
        closing = true
        return new Promise((resolveClose) => {
          if (socket.destroyed) return resolveClose()
          socket.once('close', () => resolveClose())
          socket.end(Buffer.from([0xe0, 0x00]))
          setTimeout(() => socket.destroy(), 2000).unref()
        })
      },
    }
  })
}
