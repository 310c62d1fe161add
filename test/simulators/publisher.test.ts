import type { Client } from 'aedes'
import { afterEach, describe, expect, it } from 'vitest'
import { sensorPayloadSchema } from '../../core/contract.ts'
import { parseReadingsTopic, type SensorAddress } from '../../core/topics.ts'
import { demoFleet, generateFleet, sensorCount } from '../../simulators/fleet.ts'
import { type Simulation, type SimulationProgress, startSimulation } from '../../simulators/publisher.ts'
import { eventually, startTestBroker, type TestBroker } from './broker.ts'

describe('startSimulation', () => {
  let broker: TestBroker | undefined
  let simulation: Simulation | undefined

  afterEach(async () => {
    await simulation?.stop()
    await broker?.close()
    simulation = undefined
    broker = undefined
  })

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it('publishes every sensor’s readings on its own topic, each a valid payload', async () => {
    broker = await startTestBroker()
    const fleet = demoFleet()
    const progress: SimulationProgress[] = []
    simulation = await startSimulation({
      mqttUrl: broker.url,
      fleet,
      rateHz: 50,
      scenario: 'normal',
      seed: 1,
      progressIntervalMs: 200,
      onProgress: (p) => progress.push(p),
    })
    await sleep(1_000)
    await simulation.stop()
    const stats = simulation.stats()
    const received = broker.received
    await eventually(
      () => received.length >= stats.published,
      2_000,
      'the subscriber to receive every message',
    )

    // 12 sensors × 50 Hz × ~1 s, allowing for a slow CI machine.
    expect(stats.published).toBeGreaterThan(300)
    expect(stats).toMatchObject({ failed: 0, malformed: 0, skipped: 0 })
    expect(received).toHaveLength(stats.published)
    expect(progress.length).toBeGreaterThanOrEqual(3)

    const expected = new Set(fleet.facilities.flatMap((f) => f.sensors.map((s) => `${f.id}/${s.id}`)))
    const seen = new Set<string>()
    let readings = 0
    for (const { topic, payload } of received) {
      const address = parseReadingsTopic(topic) as SensorAddress
      seen.add(`${address.facilityId}/${address.sensorId}`)
      const parsed = sensorPayloadSchema.parse(JSON.parse(payload))
      readings += 'readings' in parsed ? parsed.readings.length : 1
    }
    expect(seen).toEqual(expected)
    expect(readings).toBe(stats.readings)
  })

  it('publishes the faulty scenario’s bad messages and counts them as malformed', async () => {
    broker = await startTestBroker()
    simulation = await startSimulation({
      mqttUrl: broker.url,
      fleet: generateFleet({ facilities: 5, sensorsPerFacility: 10, seed: 2 }),
      rateHz: 40,
      scenario: 'faulty',
      seed: 2,
    })
    await sleep(1_000)
    await simulation.stop()
    const stats = simulation.stats()
    await eventually(() => broker!.received.length >= stats.published, 2_000, 'every message')
    const invalid = broker.received.filter(({ payload }) => {
      try {
        return !sensorPayloadSchema.safeParse(JSON.parse(payload)).success
      } catch {
        return true
      }
    })
    expect(stats.malformed).toBeGreaterThan(50)
    // Wrong units and out-of-range values pass the schema; only ingest's later checks catch them.
    expect(invalid.length).toBeGreaterThan(0)
    expect(invalid.length).toBeLessThanOrEqual(stats.malformed)
  })

  it('connects one client per sensor with its own id and credentials when asked', async () => {
    const logins: { clientId: string; username: string | undefined }[] = []
    broker = await startTestBroker({
      authenticate(client: Client, username, _password, done) {
        logins.push({ clientId: client.id, username })
        done(null, true)
      },
    })
    const fleet = generateFleet({ facilities: 2, sensorsPerFacility: 3, seed: 3 })
    simulation = await startSimulation({
      mqttUrl: broker.url,
      fleet,
      rateHz: 5,
      scenario: 'normal',
      clientPerSensor: true,
      sensorCredentials: ({ sensorId }) => ({ username: sensorId, password: 'secret' }),
    })
    await simulation.stop()
    const sensorLogins = logins.filter((login) => login.clientId !== 'test-subscriber')
    expect(sensorLogins).toHaveLength(sensorCount(fleet))
    expect(sensorLogins).toContainEqual({ clientId: 'fac-002-s03', username: 'fac-002-s03' })
  })

  it('rejects when the broker cannot be reached', async () => {
    await expect(
      startSimulation({ mqttUrl: 'mqtt://127.0.0.1:1', fleet: demoFleet(), rateHz: 1, scenario: 'normal' }),
    ).rejects.toThrow(/ECONNREFUSED/)
  })

  it('refuses a rate that is not positive before connecting', async () => {
    await expect(
      startSimulation({ mqttUrl: 'mqtt://127.0.0.1:1', fleet: demoFleet(), rateHz: 0, scenario: 'normal' }),
    ).rejects.toThrow(RangeError)
  })

  it('stops once, however often it is asked', async () => {
    broker = await startTestBroker()
    simulation = await startSimulation({
      mqttUrl: broker.url,
      fleet: demoFleet(),
      rateHz: 10,
      scenario: 'normal',
    })
    await Promise.all([simulation.stop(), simulation.stop()])
    await simulation.stop()
    expect(simulation.stats().failed).toBe(0)
  })
})
