import { connectAsync } from 'mqtt'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../broker/server.ts'
import { createBrokerMetrics } from '../../metrics/broker.ts'
import { createMetricsRegistry } from '../../metrics/index.ts'

describe('the broker starting and shutting down', () => {
  let broker: RunningBroker
  const url = () => `mqtt://127.0.0.1:${broker.port}`

  beforeAll(async () => {
    broker = await startBroker(
      {
        host: '127.0.0.1',
        port: 0,
        maxPayloadBytes: 16_384,
        allowAnonymous: true,
        serviceUsername: 'svc',
        servicePassword: 'svc-secret',
      },
      { sensorAccess: async () => undefined },
      pino({ level: 'silent' }),
      createBrokerMetrics(createMetricsRegistry()),
    )
  })
  afterAll(async () => {
    await broker?.close()
  })

  it('leaves sensors’ publishes unacknowledged once told to, so sensors keep them, while services still publish', async () => {
    const service = await connectAsync(url(), { username: 'svc', password: 'svc-secret', reconnectPeriod: 0 })
    const sensor = await connectAsync(url(), { reconnectPeriod: 0 })
    await sensor.publishAsync('quantrac/v1/readings/fac-1/s-1', 'before', { qos: 1 })
    broker.refuseSensorPublishes()
    const closed = new Promise<void>((resolve) => sensor.once('close', () => resolve()))
    let acknowledged = false
    sensor.publish('quantrac/v1/readings/fac-1/s-1', 'after', { qos: 1 }, (err) => {
      if (!err) acknowledged = true
    })
    await closed
    expect(acknowledged).toBe(false)
    await service.publishAsync('quantrac/v1/live/fac-1/readings', '{}', { qos: 1 })
    await service.endAsync()
    await sensor.endAsync(true)
  })

  it('with awaitIngest, acknowledges no sensor publish until the services subscribe to the readings; an anonymous subscriber to # does not count', async () => {
    const held = await startBroker(
      {
        host: '127.0.0.1',
        port: 0,
        maxPayloadBytes: 16_384,
        allowAnonymous: true,
        serviceUsername: 'svc',
        servicePassword: 'svc-secret',
        awaitIngest: true,
      },
      { sensorAccess: async () => undefined },
      pino({ level: 'silent' }),
      createBrokerMetrics(createMetricsRegistry()),
    )
    const heldUrl = `mqtt://127.0.0.1:${held.port}`
    /** Whether a sensor's QoS 1 publish is acknowledged; refused ones close the connection [MQTT-3.3.5-2]. */
    async function acknowledged(payload: string): Promise<boolean> {
      const sensor = await connectAsync(heldUrl, { reconnectPeriod: 0 })
      const closed = new Promise<false>((resolve) => sensor.once('close', () => resolve(false)))
      const outcome = await Promise.race([
        sensor.publishAsync('quantrac/v1/readings/fac-1/s-1', payload, { qos: 1 }).then(() => true),
        closed,
      ])
      await sensor.endAsync(true)
      return outcome
    }
    try {
      expect(await acknowledged('too early')).toBe(false)
      const eavesdropper = await connectAsync(heldUrl, { reconnectPeriod: 0 })
      await expect(eavesdropper.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/)
      expect(await acknowledged('still too early')).toBe(false)
      const ingest = await connectAsync(heldUrl, { username: 'svc', password: 'svc-secret' })
      // Another service's unrelated subscription does not count; the readings subscription does.
      await ingest.subscribeAsync('quantrac/v1/live/+/+', { qos: 0 })
      expect(await acknowledged('not yet')).toBe(false)
      await ingest.subscribeAsync('quantrac/v1/readings/+/+', { qos: 1 })
      expect(await acknowledged('on time')).toBe(true)
      await eavesdropper.endAsync()
      await ingest.endAsync()
    } finally {
      await held.close()
    }
  })
})
