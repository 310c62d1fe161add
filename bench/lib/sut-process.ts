/**
 * The system under test, in a process of its own (forked by sut.ts) so that neither the load generators
 * nor the bench's own bookkeeping share its event loop:
 * - `quantrac`: the whole platform as test/support/platform.ts wires it (aedes, ingest, API, InfluxDB);
 * - `ceiling`: the same aedes broker with one MQTT.js QoS 1 subscriber that only counts what it gets.
 */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { createServer, type Server } from 'node:net'
import { performance } from 'node:perf_hooks'
import { Aedes } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import type { FactorId } from '../../core/factors.ts'
import { READINGS_SUBSCRIPTION } from '../../core/topics.ts'
import { DEVICE_MODELS } from '../../simulators/devices.ts'
import { generateFleet } from '../../simulators/fleet.ts'
import { type Platform, startPlatform } from '../../test/support/platform.ts'
import { STORE_BATCH } from './section.ts'
import type { FromSut, ToSut } from './sut.ts'

/**
 * What the bench needs of test/support/platform.ts beyond the stable core. Platforms with access control
 * give service credentials, an admin API key and a way to register sensors (ingest admits registered
 * sensors only); older ones accept anonymous clients and any sensor. Looked up at run time so the bench
 * works with both.
 */
interface AccessControlledPlatform {
  service?: { username?: string; password?: string }
  adminKey?: string
  registerSensor?(facilityId: string, sensorId: string, factors: FactorId[]): Promise<unknown>
  restartIngest?(): Promise<void>
  registry: {
    getFacility?(id: string): Promise<unknown>
    createFacility?(facility: unknown): Promise<unknown>
    createSensor?(sensor: unknown, secretHash: string): Promise<unknown>
  }
}

/** Stands for a hashed secret: the bench's publishers log in as the service, never as these sensors. */
const NO_LOGIN_HASH = 'bench-sensor-without-login'

let platform: Platform | undefined
let broker: Aedes | undefined
let brokerServer: Server | undefined
let subscriber: MqttClient | undefined
let received = 0
let receivedBytes = 0

function send(message: FromSut): void {
  process.send?.(message)
}

async function start(message: Extract<ToSut, { type: 'start' }>): Promise<void> {
  if (message.mode === 'quantrac') {
    platform = await startPlatform({
      influxUrl: message.influxUrl,
      flushIntervalMs: STORE_BATCH.flushMs,
      ingest: { batchSize: STORE_BATCH.size },
      // The load generators sign in as the services, thousands of connections at once.
      broker: { maxConnectionsPerUser: 1_000_000 },
    })
    const access = platform as unknown as AccessControlledPlatform
    send({
      type: 'ready',
      mqttPort: Number(new URL(platform.mqttUrl).port),
      apiUrl: platform.apiUrl,
      database: platform.database,
      username: access.service?.username,
      password: access.service?.password,
      apiKey: access.adminKey,
    })
    return
  }
  // Raw aedes with the options quantrac's broker uses, without its access hooks.
  broker = await Aedes.createBroker({ drainTimeout: 30_000, concurrency: 1000 })
  brokerServer = createServer(broker.handle)
  const port = await new Promise<number>((resolve, reject) => {
    brokerServer?.once('error', reject)
    brokerServer?.listen(0, '127.0.0.1', () => {
      const address = brokerServer?.address()
      resolve(typeof address === 'object' && address !== null ? address.port : 0)
    })
  })
  subscriber = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `bench-ceiling-${process.pid}` })
  subscriber.on('message', function count(_topic, payload) {
    received++
    receivedBytes += payload.length
  })
  await subscriber.subscribeAsync(READINGS_SUBSCRIPTION, { qos: 1 })
  send({ type: 'ready', mqttPort: port })
}

/**
 * Registers the fleet's sensors and the extra ones, where ingest admits registered sensors only. Straight
 * into the registry (the API would hash a fresh secret with scrypt for each, tens of ms apiece), then
 * ingest restarts so that its sensor directory loads them all, as it does at start-up.
 */
async function register(message: Extract<ToSut, { type: 'register' }>): Promise<number> {
  const access = platform as unknown as AccessControlledPlatform | undefined
  const registry = access?.registry
  if (registry?.createSensor === undefined || registry.createFacility === undefined) return 0
  const supportModule = (await import('../../test/support/platform.ts')) as unknown as {
    testFacility?: (id: string, fields?: object) => unknown
  }
  const jobs: [string, string, FactorId[]][] = []
  for (const facility of generateFleet(message.fleet).facilities) {
    for (const sensor of facility.sensors) {
      jobs.push([facility.id, sensor.id, [...DEVICE_MODELS[sensor.model].factors]])
    }
  }
  for (const extra of message.extra) {
    for (const sensorId of extra.sensorIds) jobs.push([extra.facilityId, sensorId, ['noise']])
  }
  const facilities = new Set<string>()
  let created = 0
  for (const [facilityId, sensorId, factors] of jobs) {
    if (!facilities.has(facilityId)) {
      facilities.add(facilityId)
      if ((await registry.getFacility?.(facilityId)) === undefined) {
        await registry.createFacility(
          supportModule.testFacility?.(facilityId, { hazards: ['noise'] }) ?? { id: facilityId },
        )
      }
    }
    try {
      await registry.createSensor(
        { id: sensorId, facilityId, model: 'bench', serial: sensorId, factors, reportingIntervalS: 60 },
        NO_LOGIN_HASH,
      )
      created++
    } catch (err) {
      // Registered by an earlier run on this platform.
      if ((err as Error).name !== 'ConflictError') throw err
    }
  }
  if (created > 0) await access?.restartIngest?.()
  return created
}

function sample(): FromSut {
  const memory = process.memoryUsage()
  const stats = platform?.ingest.stats()
  return {
    type: 'sample',
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    eventLoopUtilization: performance.eventLoopUtilization().utilization,
    ingest: stats && {
      messages: stats.messages,
      readings: stats.readings,
      rejected: Object.values(stats.rejected).reduce((a, b) => a + b, 0),
      written: stats.readingWriter.written,
      pending: stats.readingWriter.pending,
      dropped: stats.readingWriter.dropped,
      refused: stats.readingWriter.refused,
      failedBatches: stats.readingWriter.failedBatches,
    },
    received,
    receivedBytes,
  }
}

let profiler: Session | undefined

/** The same sampling profiler as --cpu-prof, but only over the load window, not start-up. */
async function startProfile(): Promise<void> {
  profiler = new Session()
  profiler.connect()
  await profiler.post('Profiler.enable')
  await profiler.post('Profiler.start')
}

async function stopProfile(file: string): Promise<void> {
  if (profiler === undefined) throw new Error('no profile running')
  const { profile } = await profiler.post('Profiler.stop')
  profiler.disconnect()
  profiler = undefined
  await writeFile(file, JSON.stringify(profile))
}

async function stop(): Promise<void> {
  await platform?.stop()
  await subscriber?.endAsync()
  await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()))
  await new Promise<void>((resolve) => (brokerServer ? brokerServer.close(() => resolve()) : resolve()))
}

process.on('message', async function onParentMessage(message: ToSut) {
  try {
    if (message.type === 'start') await start(message)
    else if (message.type === 'sample') send(sample())
    else if (message.type === 'register') send({ type: 'registered', sensors: await register(message) })
    else if (message.type === 'profile-start') {
      await startProfile()
      send({ type: 'profiling' })
    } else if (message.type === 'profile-stop') {
      await stopProfile(message.file)
      send({ type: 'profiled' })
    } else if (message.type === 'stop') {
      await stop()
      process.exit(0)
    }
  } catch (err) {
    send({ type: 'error', message: (err as Error).stack ?? String(err) })
  }
})
process.on('disconnect', () => process.exit(0))
