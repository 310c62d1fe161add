import { createServer, type Server } from 'node:net'
import { connectAsync } from 'mqtt'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrokerOptions, startBroker } from '../../broker/server.ts'
import { createBrokerMetrics } from '../../metrics/broker.ts'
import { createMetricsRegistry } from '../../metrics/index.ts'

const options = (webSocketPort: number): BrokerOptions => ({
  host: '127.0.0.1',
  port: 0,
  maxPayloadBytes: 16_384,
  maxPacketBytes: 2048,
  allowAnonymous: true,
  serviceUsername: 'svc',
  servicePassword: 'svc-secret',
  websocket: { host: '127.0.0.1', port: webSocketPort, path: '/mqtt' },
})
const noSensors = { sensorAccess: async () => undefined }
const log = pino({ level: 'silent' })
const start = (webSocketPort: number) =>
  startBroker(options(webSocketPort), noSensors, log, createBrokerMetrics(createMetricsRegistry()))

describe('the broker’s WebSocket listener', () => {
  let taken: Server
  let takenPort: number

  beforeAll(async () => {
    taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()))
    takenPort = (taken.address() as { port: number }).port
  })
  afterAll(() => taken?.close())

  it('refuses to start on a port in use, naming QUANTRAC_MQTT_WS_PORT', async () => {
    await expect(start(takenPort)).rejects.toThrow(
      `MQTT port ${takenPort} on 127.0.0.1 is already in use: stop the other broker or set QUANTRAC_MQTT_WS_PORT`,
    )
  })

  it('cuts a WebSocket whose packet announces more than the largest packet, as over TCP', async () => {
    const broker = await start(0)
    try {
      const client = await connectAsync(`ws://127.0.0.1:${broker.webSocketPort}/mqtt`, {
        username: 'svc',
        password: 'svc-secret',
        reconnectPeriod: 0,
      })
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
      client.publish('quantrac/v1/live/fac-1/readings', 'x'.repeat(4096), { qos: 0 })
      await closed
      await client.endAsync(true)
    } finally {
      await broker.close()
    }
  })

  it('upgrades only its path, choosing the subprotocol mqtt', async () => {
    const broker = await start(0)
    /** How a WebSocket to `path` offering `protocols` ends: the protocol chosen, or refused. */
    const outcome = (path: string, protocols: string[]) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${broker.webSocketPort}${path}`, protocols)
        socket.onopen = () => {
          resolve(`open ${socket.protocol}`)
          socket.close()
        }
        socket.onerror = () => resolve('refused')
      })
    try {
      expect(await outcome('/mqtt', ['mqtt'])).toBe('open mqtt')
      expect(await outcome('/mqtt', ['chat', 'mqttv3.1'])).toBe('open mqttv3.1')
      expect(await outcome('/other', ['mqtt'])).toBe('refused')
    } finally {
      await broker.close()
    }
  })
})
