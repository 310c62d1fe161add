import { connect as connectTcp, type Socket } from 'node:net'
import { connectAsync } from 'mqtt'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PacketInspector } from '../../broker/packet-guard.ts'
import { type RunningBroker, startBroker } from '../../broker/server.ts'
import { createBrokerMetrics } from '../../metrics/broker.ts'
import { createMetricsRegistry } from '../../metrics/index.ts'

/** Remaining length as MQTT 3.1.1 §2.2.3 encodes it: 7 bits a byte, least significant first. */
function encodeLength(length: number): number[] {
  const bytes: number[] = []
  do {
    let byte = length % 128
    length = Math.floor(length / 128)
    if (length > 0) byte |= 0x80
    bytes.push(byte)
  } while (length > 0)
  return bytes
}

function packet(type: number, bodyLength: number): Buffer {
  return Buffer.from([type, ...encodeLength(bodyLength), ...new Array(bodyLength).fill(0x61)])
}

describe('the packet inspector', () => {
  it('reads every remaining length the spec can encode, at each boundary of one to four bytes', () => {
    for (const length of [0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455]) {
      const header = Buffer.from([0x30, ...encodeLength(length)])
      expect(new PacketInspector(length).inspect(header)).toBeUndefined()
      if (length > 0) expect(new PacketInspector(length - 1).inspect(header)).toBe('too-large')
    }
  })

  it('follows packets split across chunks at every byte, and packets sharing a chunk', () => {
    const stream = Buffer.concat([packet(0x10, 20), packet(0x30, 300), packet(0xc0, 0), packet(0x30, 5)])
    for (let cut = 0; cut <= stream.length; cut++) {
      const inspector = new PacketInspector(300)
      expect(inspector.inspect(stream.subarray(0, cut))).toBeUndefined()
      expect(inspector.inspect(stream.subarray(cut))).toBeUndefined()
    }
    const byteByByte = new PacketInspector(299)
    const results = [...stream].map((byte) => byteByByte.inspect(Buffer.from([byte])))
    expect(results.filter((r) => r !== undefined)[0]).toBe('too-large')
  })

  it('refuses a fifth length byte as malformed, and stays refused', () => {
    const inspector = new PacketInspector(1_000_000)
    expect(inspector.inspect(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe('malformed-length')
    expect(inspector.inspect(packet(0xc0, 0))).toBe('malformed-length')
  })
})

describe('the broker with the packet guard', () => {
  let broker: RunningBroker
  const registry = { sensorAccess: async () => undefined }
  const metrics = createMetricsRegistry()

  beforeAll(async () => {
    broker = await startBroker(
      { host: '127.0.0.1', port: 0, maxPayloadBytes: 16_384, allowAnonymous: true, maxPacketBytes: 65_536 },
      registry,
      pino({ level: 'silent' }),
      createBrokerMetrics(metrics),
    )
  })
  afterAll(async () => {
    await broker?.close()
  })

  it('cuts a client announcing a 200 MB PUBLISH before buffering it, and keeps serving the others', async () => {
    const honest = await connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 })
    const socket: Socket = connectTcp(broker.port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    const connectPacket = Buffer.from([
      0x10, 12, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00,
    ])
    socket.write(connectPacket)
    // The header of a 200 MB PUBLISH, then the first megabyte of its body.
    socket.write(Buffer.from([0x30, ...encodeLength(200 * 1024 * 1024)]))
    socket.write(Buffer.alloc(1024 * 1024))
    socket.on('error', () => {})
    await closed
    const refused = await metrics.getSingleMetricAsString('quantrac_broker_refused_total')
    expect(refused).toContain('quantrac_broker_refused_total{kind="packet-too-large",reason="too-large"} 1')
    await honest.publishAsync('quantrac/v1/readings/fac-1/s-1', 'still here', { qos: 1 })
    await honest.endAsync()
  })
})
