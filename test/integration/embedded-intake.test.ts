import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { MqttClient } from 'mqtt'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { DEAD_LETTER_TOPIC } from '../../core/topics.ts'
import { type RunningInfluxd, startInfluxd } from '../support/influxd.ts'
import { type Platform, type SensorCredentials, startPlatform } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

/**
 * Ingest in the process of the embedded broker, as `quantrac start` runs it: the broker hands readings to
 * ingest in memory and acknowledges a sensor's publish only once ingest has it in the spool.
 */

const influxAvailable = inject('influxUrl') !== null
const UNLIMITED = { sensorRateLimit: { ratePerSecond: 100_000, burst: 100_000 } }

/** Whether a reading of `sensorId` at `time` is on disk: in ingest's spool or already in the SQLite store. */
function durable(platform: Platform, sensorId: string, time: number): boolean {
  const spool = new DatabaseSync(join(platform.dataDir, 'spool', 'quantrac-ingest.sqlite'), {
    readOnly: true,
  })
  const store = new DatabaseSync(join(platform.dataDir, 'timeseries.sqlite'), { readOnly: true })
  try {
    const spooled = spool.prepare("SELECT body FROM entry WHERE stream = 'readings'").all() as {
      body: string
    }[]
    const inSpool = spooled.some((row) =>
      (JSON.parse(row.body) as { sensorId: string; time: number }[]).some(
        (reading) => reading.sensorId === sensorId && reading.time === time,
      ),
    )
    const inStore = store.prepare('SELECT 1 FROM reading WHERE sensor = ? AND time = ?').get(sensorId, time)
    return inSpool || inStore !== undefined
  } finally {
    spool.close()
    store.close()
  }
}

function storedCount(platform: Platform, sensorId: string): number {
  const store = new DatabaseSync(join(platform.dataDir, 'timeseries.sqlite'), { readOnly: true })
  try {
    return (
      store.prepare('SELECT count(*) AS n FROM reading WHERE sensor = ?').get(sensorId) as { n: number }
    ).n
  } finally {
    store.close()
  }
}

describe('ingest in the process of the embedded broker', () => {
  let platform: Platform | undefined
  let influxd: RunningInfluxd | undefined
  let clients: MqttClient[] = []

  afterEach(async () => {
    for (const client of clients) await client.endAsync(true)
    clients = []
    await platform?.stop()
    platform = undefined
    await influxd?.stop()
    influxd = undefined
  })

  async function sensorOf(
    p: Platform,
    id: string,
  ): Promise<{ sensor: SensorCredentials; client: MqttClient }> {
    const sensor = await p.registerSensor('fac-in', id, ['noise'])
    const client = await p.connectSensor(sensor)
    clients.push(client)
    return { sensor, client }
  }

  it('acknowledges a reading only once it is on disk, and keeps it when ingest stops right after', async () => {
    // A long group commit: were the PUBACK sent before the commit, the reading would not be on disk yet.
    platform = await startPlatform({ ingest: { commitIntervalMs: 300 } })
    const p = platform
    const { sensor, client } = await sensorOf(p, 'noise-durable')
    const time = Date.now() - 1000
    // Checked the moment the PUBACK arrives: were it sent before the commit, the reading would not be on disk.
    let durableAtAcknowledgement: boolean | undefined
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'puback') durableAtAcknowledgement = durable(p, 'noise-durable', time)
    })
    await client.publishAsync(
      sensor.topic,
      JSON.stringify({ factor: 'noise', value: 80, unit: 'dBA', ts: time }),
      { qos: 1 },
    )
    expect(durableAtAcknowledgement).toBe(true)
    await p.restartIngest()
    await waitUntil(
      async () => storedCount(p, 'noise-durable') === 1,
      10_000,
      () => 'the acknowledged reading never reached the store',
    )
  })

  it('counts a rejected message, dead-letters it and still acknowledges it', async () => {
    platform = await startPlatform()
    const p = platform
    const { sensor, client } = await sensorOf(p, 'noise-bad')
    const watcher = await p.connectSensor(undefined, {
      username: p.service.username,
      password: p.service.password,
    })
    clients.push(watcher)
    await watcher.subscribeAsync(DEAD_LETTER_TOPIC, { qos: 1 })
    const deadLetter = new Promise<{ topic: string; reason: string }>((resolve) =>
      watcher.once('message', (_topic, payload) => resolve(JSON.parse(payload.toString()))),
    )
    const before = p.ingest.stats().rejected.json
    await client.publishAsync(sensor.topic, '{not json', { qos: 1 })
    expect(await deadLetter).toMatchObject({ topic: sensor.topic, reason: 'json' })
    expect(p.ingest.stats().rejected.json).toBe(before + 1)
  })

  it('holds sensors’ publishes unacknowledged while ingest is away, and hands them to the next ingest', async () => {
    platform = await startPlatform()
    const p = platform
    const { sensor, client } = await sensorOf(p, 'noise-wait')
    await p.ingest.close()
    let acknowledged = false
    const time = Date.now() - 1000
    const published = client
      .publishAsync(sensor.topic, JSON.stringify({ factor: 'noise', value: 81, unit: 'dBA', ts: time }), {
        qos: 1,
      })
      .then(() => {
        acknowledged = true
      })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(acknowledged).toBe(false)
    expect(client.connected).toBe(true)
    await p.restartIngest()
    await published
    await waitUntil(
      async () => storedCount(p, 'noise-wait') === 1,
      10_000,
      () => 'the held reading never reached the store',
    )
  })

  it.skipIf(!influxAvailable)(
    'stops acknowledging while the spool is full, and acknowledges and stores everything once the store is back',
    async () => {
      influxd = await startInfluxd()
      const server = influxd
      platform = await startPlatform({
        influxUrl: server.url,
        // Store batches of 1,000 readings: an entry of a whole production batch (5,000) would not fit this spool.
        ingest: { ...UNLIMITED, spoolMaxBytes: 256 * 1024, batchSize: 1000 },
      })
      const p = platform
      const { sensor, client } = await sensorOf(p, 'noise-full')
      await server.stop({ keepData: true })
      // About 500 KB in the spool: twice what it may hold (entries of up to a batch, 1,000 readings, fit).
      const messages = 4000
      const base = Date.now() - 60_000
      let acknowledged = 0
      let failed = 0
      const publishes = Array.from({ length: messages }, (_, i) =>
        client
          .publishAsync(
            sensor.topic,
            JSON.stringify({ factor: 'noise', value: 70 + (i % 10), unit: 'dBA', ts: base + i }),
            { qos: 1 },
          )
          .then(
            () => {
              acknowledged++
            },
            () => {
              failed++
            },
          ),
      )
      const pause = () => new Promise((resolve) => setTimeout(resolve, 1000))
      let held = 0
      await waitUntil(
        async () => {
          held = acknowledged
          await pause()
          return acknowledged === held
        },
        20_000,
        () => 'acknowledgements never stopped',
      )
      await pause()
      // Full: nothing more is acknowledged, and the sensor is not cut off.
      expect(acknowledged).toBe(held)
      expect(acknowledged).toBeLessThan(messages)
      expect(client.connected).toBe(true)
      await server.restart()
      await Promise.all(publishes)
      expect(failed).toBe(0)
      const q = new URLSearchParams({ db: p.database, q: `SELECT count("value") FROM "reading"` })
      let stored = 0
      await waitUntil(
        async () => {
          const body = (await (await fetch(`${server.url}/query?${q}`)).json()) as {
            results: { series?: { values: [unknown, number][] }[] }[]
          }
          stored = body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
          return stored === messages
        },
        45_000,
        () => `stored ${stored} of ${messages} acknowledged readings`,
      )
    },
    90_000,
  )
})
