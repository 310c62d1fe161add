import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeMessage, REJECTION_REASONS } from '../../ingest/decode.ts'
import { type Platform, type SensorCredentials, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'
import { hostileCorpus, mulberry32 } from './hostile.ts'

// A fortieth of the decoder's corpus through the broker, as in CI (3,000 of 120,000).
const HOSTILE_MESSAGES = Math.ceil(Number(process.env.QUANTRAC_FUZZ_MESSAGES ?? 20_000) / 40)
const VALID_MESSAGES = 200
const SEED = Number(process.env.QUANTRAC_FUZZ_SEED ?? 7)

function storedCounts(dataDir: string): Map<string, number> {
  const db = new DatabaseSync(join(dataDir, 'timeseries.sqlite'), { readOnly: true })
  try {
    const rows = db.prepare('SELECT sensor, count(*) AS n FROM reading GROUP BY sensor').all() as {
      sensor: string
      n: number
    }[]
    return new Map(rows.map((row) => [row.sensor, row.n]))
  } finally {
    db.close()
  }
}

function sampleOf(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? 0 : Number(line.split(' ')[1])
}

/** The real path — sensor, broker, ingest, store — under hostile payloads, with valid readings flowing beside them. */
describe('ingest under hostile messages through the broker', () => {
  let platform: Platform
  const clients: MqttClient[] = []
  const cleanups: (() => Promise<unknown>)[] = []
  let valid: SensorCredentials
  let hostile: SensorCredentials

  beforeAll(async () => {
    platform = await startPlatform({ ingest: { sensorRateLimit: { ratePerSecond: 20, burst: 100_000 } } })
    valid = await platform.registerSensor('fac-fuzz', 'valid-1', ['noise'])
    hostile = await platform.registerSensor('fac-fuzz', 'hostile-1', ['noise'])
  })

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
    for (const client of clients) await client.endAsync()
    await platform?.stop()
  })

  it('stays up, counts every rejection with its reason, and stores every valid reading once despite duplicates', async () => {
    const random = mulberry32(SEED)
    const now = Date.now()
    const expectedRejections = Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<
      string,
      number
    >
    const hostileReadings = new Set<string>()
    const hostilePayloads: Buffer[] = []
    while (hostilePayloads.length < HOSTILE_MESSAGES) {
      const { payload } = hostileCorpus(random, now)
      // Above the broker's payload limit a client is disconnected (MQTT 3.1.1 cannot refuse one publish).
      if (payload.length > 16_384) continue
      // hostile-1 is registered for noise only: readings of other factors are refused as unregistered.
      const decoded = decodeMessage(hostile.topic, payload, now, 16_384, undefined, () => ['noise'])
      for (const rejection of decoded.rejections) expectedRejections[rejection.reason]!++
      for (const reading of decoded.readings) hostileReadings.add(`${reading.factor}@${reading.time}`)
      hostilePayloads.push(payload)
    }
    const before = platform.ingest.stats()
    const validClient = await platform.connectSensor(valid)
    const hostileClient = await platform.connectSensor(hostile)
    clients.push(validClient, hostileClient)

    const base = now - 30 * 60_000
    const validPublishes: Promise<unknown>[] = []
    for (let i = 0; i < VALID_MESSAGES; i++) {
      const payload = JSON.stringify({
        factor: 'noise',
        value: 60 + (i % 30),
        unit: 'dBA',
        ts: base + i * 1000,
      })
      // Each sent twice, as a redelivery would: stored once.
      validPublishes.push(validClient.publishAsync(valid.topic, payload, { qos: 1 }))
      validPublishes.push(validClient.publishAsync(valid.topic, payload, { qos: 1 }))
    }
    const hostilePublishes = hostilePayloads.map((payload) =>
      hostileClient.publishAsync(hostile.topic, payload, { qos: 1 }),
    )
    await Promise.all([...validPublishes, ...hostilePublishes])

    const sent = VALID_MESSAGES * 2 + HOSTILE_MESSAGES
    await waitUntil(
      async () => platform.ingest.stats().messages - before.messages >= sent,
      30_000,
      () => `ingest saw ${platform.ingest.stats().messages - before.messages} of ${sent} messages`,
    )
    const after = platform.ingest.stats()
    const counted = Object.fromEntries(
      REJECTION_REASONS.map((reason) => [reason, after.rejected[reason] - before.rejected[reason]]),
    )
    expect(counted).toEqual(expectedRejections)
    expect(after.overRate - before.overRate).toBe(0)
    await waitUntil(
      async () => {
        const counts = storedCounts(platform.dataDir)
        return (
          counts.get('valid-1') === VALID_MESSAGES && (counts.get('hostile-1') ?? 0) === hostileReadings.size
        )
      },
      20_000,
      () => `stored ${JSON.stringify([...storedCounts(platform.dataDir)])}`,
    )
    expect((await platform.call('GET', '/health', undefined, null)).status).toBe(200)
  }, 60_000)

  it('slows a flooding sensor down to its rate, acknowledging late and storing everything, without starving another, in bounded memory', async () => {
    const limit = { ratePerSecond: 200, burst: 50 }
    const limitedPlatform = await startPlatform({ ingest: { sensorRateLimit: limit } })
    const platform = limitedPlatform
    cleanups.push(() => limitedPlatform.stop())
    const flooder = await platform.registerSensor('fac-fuzz', 'flood-1', ['noise'])
    const quiet = await platform.registerSensor('fac-fuzz', 'quiet-1', ['noise'])
    const flood = await platform.connectSensor(flooder)
    const calm = await platform.connectSensor(quiet)
    cleanups.unshift(
      () => flood.endAsync(),
      () => calm.endAsync(),
    )
    const paced = async () => sampleOf(await platform.metrics.metrics(), 'quantrac_broker_paced_total')
    const pacedBefore = await paced()
    const heapBefore = process.memoryUsage().heapUsed
    const base = Date.now() - 10 * 60_000
    // Ten seconds' worth of the sensor's rate, all at once.
    const FLOOD = 2000
    let acknowledged = 0
    const floodPublishes: Promise<unknown>[] = []
    for (let i = 0; i < FLOOD; i++) {
      const payload = JSON.stringify({ factor: 'noise', value: 80, unit: 'dBA', ts: base + i })
      floodPublishes.push(flood.publishAsync(flooder.topic, payload, { qos: 1 }).then(() => acknowledged++))
    }
    for (let i = 0; i < 50; i++) {
      await calm.publishAsync(
        quiet.topic,
        JSON.stringify({ factor: 'noise', value: 70, unit: 'dBA', ts: base + i * 1000 }),
        { qos: 1 },
      )
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await waitUntil(
      async () => storedCounts(platform.dataDir).get('quiet-1') === 50,
      20_000,
      () => `quiet sensor stored ${storedCounts(platform.dataDir).get('quiet-1')} of 50`,
    )
    // The quiet sensor got through while the flood was still held back.
    expect(acknowledged).toBeLessThan(FLOOD)
    await Promise.all(floodPublishes)
    await waitUntil(
      async () => storedCounts(platform.dataDir).get('flood-1') === FLOOD,
      20_000,
      () => `flooder stored ${storedCounts(platform.dataDir).get('flood-1')} of ${FLOOD}`,
    )
    expect((await paced()) - pacedBefore).toBeGreaterThan(0)
    expect(platform.ingest.stats().overRate).toBe(0)
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024)
  }, 90_000)
})
