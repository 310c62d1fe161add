import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { PARTITION_COUNT, partitionOf } from '../../core/partitions.ts'
import { readingsTopic } from '../../core/topics.ts'
import { QUANTRAC } from '../support/cli.ts'
import { startMosquitto } from '../support/mosquitto.ts'
import { type Platform, startPlatform } from '../support/platform.ts'
import { freePort } from '../support/ports.ts'
import { postgresBinaries, type RunningPostgres, startPostgres } from '../support/postgres.ts'
import { startProcess, stopProcess, waitUntil } from '../support/processes.ts'
import { type RunningRedis, startRedis } from '../support/redis.ts'

const mosquittoPath = inject('mosquittoPath')
const influxUrl = inject('influxUrl')
const redisServerPath = inject('redisServerPath')
const missing = [
  mosquittoPath === null && 'mosquitto',
  influxUrl === null && 'influxd',
  redisServerPath === null && 'redis-server',
  postgresBinaries() === undefined && 'postgresql',
]
  .filter(Boolean)
  .join(', ')

/** A lease this short makes the takeover quick to wait for; production's default is 15 s. */
const LEASE_MS = 3000
const READING_STEP_MS = 10_000
const READINGS_EACH = 60
/** Generous: the test waits for outcomes, never for a speed (a slow, loaded CI machine must pass). */
const PATIENCE_MS = 120_000

interface Worker {
  name: string
  /** What the worker's machine loses with its disk: its data directory, or on a shared one its spool. */
  disk: string[]
  metricsUrl: string
  process: ReturnType<typeof startProcess>
}

/** Facility ids whose partitions fall in the lower and in the upper half: the first and second worker's. */
function facilitiesByHalf(count: number): { lower: string[]; upper: string[] } {
  const lower: string[] = []
  const upper: string[] = []
  for (let i = 1; lower.length < count || upper.length < count; i++) {
    const id = `plant-${i}`
    const half = partitionOf(id) < PARTITION_COUNT / 2 ? lower : upper
    if (half.length < count) half.push(id)
  }
  return { lower, upper }
}

/**
 * Partitioned ingest on engines that run here (README, Scaling out → Partitioned ingest): Mosquitto,
 * InfluxDB, Redis joining two API instances, and two `quantrac ingest` workers as processes, with the
 * registry and the leases on PostgreSQL (workers on several machines) or in the SQLite file of one data
 * directory they share (workers on one machine). Readings go in over MQTT; what comes out is read where
 * people look: the API, the live feed, InfluxDB.
 */
for (const registryKind of ['PostgreSQL', 'SQLite'] as const) describePartitioned(registryKind)

function describePartitioned(registryKind: 'PostgreSQL' | 'SQLite') {
  describe.skipIf(missing !== '' && process.env.CI !== 'true')(
    `two partitioned ingest workers, registry on ${registryKind}${missing ? ` (skipped: ${missing} not installed)` : ''}`,
    () => {
      let postgres: RunningPostgres | undefined
      let redis: RunningRedis
      let mosquitto: Awaited<ReturnType<typeof startMosquitto>>
      let platform: Platform
      let secondApi: Awaited<ReturnType<Platform['startApiInstance']>>
      let workerEnv: NodeJS.ProcessEnv
      const workers: Worker[] = []
      const sockets: Socket[] = []
      const sensorClients: MqttClient[] = []
      const { lower, upper } = facilitiesByHalf(4)
      const facilities = [...lower, ...upper]
      const sensorOf = (facilityId: string) => `${facilityId}-noise`
      // Steps at which a sensor is loud (118 dBA, over QCVN's 115 dBA ceiling): one in each worker's half first.
      const loud = new Map([
        [lower[0]!, [20, 22]],
        [upper[0]!, [20, 22]],
        [upper[1]!, [100, 102]],
      ])
      const noiseAt = (facilityId: string, step: number) => {
        const [from, to] = loud.get(facilityId) ?? [-1, -1]
        return step >= from! && step <= to! ? 118 : 80 + (step % 7)
      }
      const start = Date.now() - 3 * 3_600_000

      async function startWorker(name: string): Promise<Worker> {
        // On one machine the workers share the data directory (and its registry file), each its own spool.
        const dataDir =
          registryKind === 'SQLite' ? platform.dataDir : await mkdtemp(join(tmpdir(), `quantrac-${name}-`))
        const spool = join(dataDir, 'spool', `quantrac-${name}.sqlite`)
        const disk = registryKind === 'SQLite' ? [spool, `${spool}-wal`, `${spool}-shm`] : [dataDir]
        const metricsPort = await freePort()
        const child = startProcess(process.execPath, [...QUANTRAC, 'ingest'], {
          ...workerEnv,
          QUANTRAC_DATA_DIR: dataDir,
          QUANTRAC_INGEST_CLIENT_ID: `quantrac-${name}`,
          QUANTRAC_METRICS_PORT: String(metricsPort),
        })
        const worker = { name, disk, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, process: child }
        workers.push(worker)
        await waitUntil(
          async () => child.output().includes('ingest taking readings'),
          PATIENCE_MS,
          () => `${name} did not start: ${child.output()}`,
        )
        return worker
      }

      async function leasesHeld(): Promise<Record<string, number>> {
        const held: Record<string, number> = {}
        for (const lease of await platform.registry.listLeases()) {
          if (lease.owner !== '' && lease.expiresAt > Date.now())
            held[lease.owner] = (held[lease.owner] ?? 0) + 1
        }
        return held
      }

      async function influx(query: string): Promise<any[]> {
        const url = `${influxUrl}/query?db=${platform.database}&q=${encodeURIComponent(query)}`
        const body = (await (await fetch(url)).json()) as { results: { series?: any[] }[] }
        return body.results[0]?.series ?? []
      }

      /** Readings InfluxDB holds of each sensor. */
      async function storedCounts(): Promise<Record<string, number>> {
        const counts: Record<string, number> = {}
        for (const series of await influx('SELECT count(value) FROM reading GROUP BY sensor')) {
          counts[series.tags.sensor] = series.values[0][1]
        }
        return counts
      }

      /** Publishes steps [from, to) of every facility's sensor, QoS 1, each acknowledged by its broker. */
      async function publishSteps(
        target: (facilityId: string) => MqttClient,
        from: number,
        to: number,
        afterStep: (step: number) => void = () => {},
      ) {
        for (let step = from; step < to; step++) {
          afterStep(step)
          await Promise.all(
            facilities.map((facilityId) =>
              target(facilityId).publishAsync(
                readingsTopic(facilityId, sensorOf(facilityId)),
                JSON.stringify({
                  factor: 'noise',
                  value: noiseAt(facilityId, step),
                  unit: 'dBA',
                  ts: start + step * READING_STEP_MS,
                }),
                { qos: 1 },
              ),
            ),
          )
        }
      }

      async function alertsOf(on: Platform, sensorId: string, kind = ''): Promise<any[]> {
        const query = `sensor=${sensorId}&limit=100${kind === '' ? '' : `&kind=${kind}`}`
        const { status, body } = await on.call('GET', `/api/v1/alerts?${query}`)
        expect(status).toBe(200)
        return body.items
      }

      /**
       * The kinds of the sensor's alerts, each once however often it was opened, but sensor-offline: that
       * one follows the wall clock (readings here are stamped hours back), not the readings.
       */
      async function alertKinds(on: Platform, sensorId: string): Promise<string[]> {
        const kinds: string[] = (await alertsOf(on, sensorId)).map((alert) => alert.kind)
        expect(kinds.length, `an alert opened twice: ${kinds}`).toBe(new Set(kinds).size)
        return kinds.filter((kind) => kind !== 'sensor-offline').sort()
      }

      function watch(url: string, facilityId: string): Promise<{ readings: string[]; alerts: string[] }> {
        const socket = io(url, {
          transports: ['websocket'],
          auth: { token: platform.adminKey },
          reconnection: false,
          forceNew: true,
        })
        sockets.push(socket)
        const heard = { readings: [] as string[], alerts: [] as string[] }
        socket.on('reading', (r: { sensorId: string; time: string; value: number }) =>
          heard.readings.push(`${r.sensorId}@${r.time}=${r.value}`),
        )
        socket.on('alert', (a: { id: string; state: string; level: string; updatedAt: string }) =>
          heard.alerts.push(`${a.id}:${a.state}:${a.level}@${a.updatedAt}`),
        )
        return socket.emitWithAck('join', facilityId).then((ack) => {
          expect(ack).toMatchObject({ ok: true })
          return heard
        })
      }

      beforeAll(async () => {
        if (missing !== '') throw new Error(`${missing} not installed; CI=true requires them`)
        postgres = registryKind === 'PostgreSQL' ? await startPostgres() : undefined
        redis = await startRedis(redisServerPath!)
        // Partitions without an owner queue in the broker: no limit on a session's queue or in-flight window.
        mosquitto = await startMosquitto(mosquittoPath!, ['max_queued_messages 0', 'max_inflight_messages 0'])
        const registryUrl = await postgres?.createDatabase()
        platform = await startPlatform({
          mqttUrl: mosquitto.url,
          influxUrl: influxUrl!,
          registryUrl,
          redisUrl: redis.url,
          apiOnly: true,
        })
        secondApi = await platform.startApiInstance()
        for (const facilityId of facilities)
          await platform.registerSensor(facilityId, sensorOf(facilityId), ['noise'])
        workerEnv = {
          QUANTRAC_MQTT_URL: mosquitto.url,
          ...(registryUrl === undefined ? {} : { QUANTRAC_REGISTRY_URL: registryUrl }),
          QUANTRAC_INFLUX_URL: influxUrl!,
          QUANTRAC_INFLUX_DATABASE: platform.database,
          QUANTRAC_INGEST_PARTITIONED: 'true',
          QUANTRAC_INGEST_LEASE_MS: String(LEASE_MS),
          QUANTRAC_FLUSH_INTERVAL_MS: '100',
          QUANTRAC_HTTP_PORT: '0',
          QUANTRAC_LOG_LEVEL: 'info',
        }
      }, PATIENCE_MS)

      afterAll(async () => {
        for (const socket of sockets) socket.close()
        for (const client of sensorClients) await client.endAsync()
        for (const worker of workers) {
          await stopProcess(worker.process.child)
          for (const path of worker.disk) await rm(path, { recursive: true, force: true })
        }
        await secondApi?.close()
        await platform?.stop()
        await mosquitto?.stop()
        await redis?.stop()
        await postgres?.stop()
      }, PATIENCE_MS)

      it(
        'shares the partitions between two workers: each reading stored once, each alert raised once, the figures of one worker, the live feed across API instances',
        async () => {
          await startWorker('ingest-a')
          await expect
            .poll(leasesHeld, { timeout: PATIENCE_MS })
            .toEqual({ 'quantrac-ingest-a': PARTITION_COUNT })
          await startWorker('ingest-b')
          // The first gives its upper half back to the second.
          await expect
            .poll(leasesHeld, { timeout: PATIENCE_MS, interval: 200 })
            .toEqual({ 'quantrac-ingest-a': PARTITION_COUNT / 2, 'quantrac-ingest-b': PARTITION_COUNT / 2 })
          // What an operator sees of it: each worker's /metrics.
          for (const worker of workers) {
            await expect
              .poll(async () => (await fetch(worker.metricsUrl)).text(), { timeout: PATIENCE_MS })
              .toMatch(new RegExp(`^quantrac_ingest_partitions_held ${PARTITION_COUNT / 2}$`, 'm'))
          }

          // A facility of the second worker watched on the first API instance, and the other way round.
          const heardOnFirst = await watch(platform.apiUrl, upper[0]!)
          const heardOnSecond = await watch(secondApi.url, lower[0]!)
          const sensor = await platform.connectSensor()
          sensorClients.push(sensor)
          await publishSteps(() => sensor, 0, READINGS_EACH)

          await expect
            .poll(storedCounts, { timeout: PATIENCE_MS, interval: 500 })
            .toEqual(Object.fromEntries(facilities.map((f) => [sensorOf(f), READINGS_EACH])))
          for (const facilityId of facilities) {
            if (facilityId === lower[0] || facilityId === upper[0]) {
              await expect
                .poll(() => alertsOf(platform, sensorOf(facilityId), 'ceiling'), { timeout: PATIENCE_MS })
                .toMatchObject([{ state: 'cleared' }])
            }
          }
          // Each reading once on each socket, whichever worker judged it and whichever instance serves the socket.
          for (const [heard, facilityId] of [
            [heardOnFirst, upper[0]!],
            [heardOnSecond, lower[0]!],
          ] as const) {
            await expect.poll(() => heard.readings.length, { timeout: PATIENCE_MS }).toBe(READINGS_EACH)
            expect(new Set(heard.readings).size).toBe(READINGS_EACH)
            expect(heard.readings.every((r) => r.startsWith(`${sensorOf(facilityId)}@`))).toBe(true)
            // Each change of the loud sensor's ceiling alert, once; and no event of any alert twice.
            const [ceiling] = await alertsOf(platform, sensorOf(facilityId), 'ceiling')
            await expect
              .poll(() => heard.alerts.filter((a) => a.startsWith(ceiling.id)).map((a) => a.split(':')[1]))
              .toEqual(['open', 'cleared'])
            expect(new Set(heard.alerts).size).toBe(heard.alerts.length)
          }

          // The same readings judged by one worker alone (the embedded platform): the same figures.
          const single = await startPlatform()
          try {
            const clients = new Map<string, MqttClient>()
            for (const facilityId of facilities) {
              const credentials = await single.registerSensor(facilityId, sensorOf(facilityId), ['noise'])
              clients.set(facilityId, await single.connectSensor(credentials))
            }
            await publishSteps((facilityId) => clients.get(facilityId)!, 0, READINGS_EACH)
            for (const client of clients.values()) await client.endAsync()
            for (const facilityId of facilities) {
              const figures = async (on: Platform) => {
                const { body } = await on.call('GET', `/api/v1/exposures/latest?facility=${facilityId}`)
                return body.items.map((p: any) => [
                  p.sensorId,
                  p.time,
                  p.twa,
                  p.dose,
                  p.lex8h,
                  p.stel,
                  p.coverage,
                ])
              }
              const alone = await figures(single)
              await expect.poll(() => figures(platform), { timeout: PATIENCE_MS }).toEqual(alone)
              expect(alone).toHaveLength(1)
            }
            // The same alerts, each once.
            for (const facilityId of facilities) {
              const alone = await alertKinds(single, sensorOf(facilityId))
              expect(await alertKinds(platform, sensorOf(facilityId))).toEqual(alone)
            }
            expect(await alertKinds(single, sensorOf(lower[0]!))).toContain('ceiling')
          } finally {
            await single.stop()
          }
        },
        PATIENCE_MS * 4,
      )

      it(
        "hands a killed worker's partitions to the other: nothing acknowledged lost though its disk is gone, no alert twice",
        async () => {
          const second = workers[1]!
          const sensor = await platform.connectSensor()
          sensorClients.push(sensor)
          await publishSteps(() => sensor, READINGS_EACH, 80)
          // Readings flowing while the second worker dies mid-stream, and after, while its partitions have no owner.
          let killedAt = 0
          await publishSteps(
            () => sensor,
            80,
            120,
            (step) => {
              if (step !== 85) return
              second.process.child.kill('SIGKILL')
              killedAt = Date.now()
            },
          )
          // Its disk does not come back: whatever its spool held is gone.
          for (const path of second.disk) await rm(path, { recursive: true, force: true })

          await expect
            .poll(leasesHeld, { timeout: PATIENCE_MS, interval: 200 })
            .toEqual({ 'quantrac-ingest-a': PARTITION_COUNT })
          console.info(
            `the killed worker's partitions were taken over ${Date.now() - killedAt} ms after the kill (lease ${LEASE_MS} ms)`,
          )
          await expect
            .poll(storedCounts, { timeout: PATIENCE_MS, interval: 500 })
            .toEqual(Object.fromEntries(facilities.map((f) => [sensorOf(f), 120])))
          // Loud after the kill, judged by the surviving worker from the dead one's saved state: one alert.
          await expect
            .poll(() => alertsOf(platform, sensorOf(upper[1]!), 'ceiling'), { timeout: PATIENCE_MS })
            .toMatchObject([{ state: 'cleared' }])
          // No alert opened twice, by either worker or across the takeover.
          for (const facilityId of facilities) await alertKinds(platform, sensorOf(facilityId))
        },
        PATIENCE_MS * 4,
      )
    },
  )
}
