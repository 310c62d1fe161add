/**
 * The system under test, in a process of its own (forked by sut.ts) so that neither the load generators
 * nor the bench's own bookkeeping share its event loop:
 * - `quantrac`: the whole platform from its composition root, as `quantrac start` runs it (aedes, ingest, API, InfluxDB);
 * - `ceiling`: the same aedes broker with one MQTT.js QoS 1 subscriber that only counts what it gets.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks'
import { Aedes } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { READINGS_SUBSCRIPTION } from '../../core/topics.ts'
import { createPlatform, type Platform, platformConfig } from '../../platform/platform.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { registerFleet } from './fleet-registration.ts'
import { STORE_BATCH } from './section.ts'
import { type FromSut, HEAP_SAMPLING_INTERVAL, type LoopWindow, type ProfileKind, type ToSut } from './sut.ts'

let platform: Platform | undefined
let dataDir: string | undefined
let broker: Aedes | undefined
let brokerServer: Server | undefined
let subscriber: MqttClient | undefined
let received = 0
let receivedBytes = 0

const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
let gcWindow: LoopWindow['gc'] = { count: 0, totalMs: 0, maxMs: 0, over5ms: 0 }
new PerformanceObserver(function countCollections(list) {
  for (const entry of list.getEntries()) {
    gcWindow.count++
    gcWindow.totalMs += entry.duration
    gcWindow.maxMs = Math.max(gcWindow.maxMs, entry.duration)
    if (entry.duration > 5) gcWindow.over5ms++
  }
}).observe({ entryTypes: ['gc'] })

/** The loop's delay and collections since the last call, then starts a new window. */
function takeLoopWindow(): LoopWindow {
  const window: LoopWindow = {
    loopDelay: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    gc: gcWindow,
  }
  loopDelay.reset()
  gcWindow = { count: 0, totalMs: 0, maxMs: 0, over5ms: 0 }
  return window
}

function send(message: FromSut): void {
  process.send?.(message)
}

async function start(message: Extract<ToSut, { type: 'start' }>): Promise<void> {
  if (message.mode === 'quantrac') {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-bench-'))
    const database = `quantrac_bench_${Date.now()}`
    const config = platformConfig.parse({
      QUANTRAC_DATA_DIR: dataDir,
      QUANTRAC_HTTP_PORT: '0',
      QUANTRAC_MQTT_PORT: '0',
      QUANTRAC_INFLUX_URL: message.influxUrl,
      QUANTRAC_INFLUX_DATABASE: database,
      QUANTRAC_BATCH_SIZE: String(STORE_BATCH.size),
      QUANTRAC_FLUSH_INTERVAL_MS: String(STORE_BATCH.flushMs),
      // The load generators sign in as the services, thousands of connections at once.
      QUANTRAC_MQTT_MAX_CONNECTIONS_PER_USER: '1000000',
      ...(message.smtpUrl === undefined ? {} : { QUANTRAC_SMTP_URL: message.smtpUrl }),
    })
    platform = await createPlatform(config, { log: pino({ level: 'silent' }) })
    send({
      type: 'ready',
      mqttPort: Number(new URL(platform.connection.mqttUrl).port),
      apiUrl: platform.api?.url,
      database,
      username: platform.connection.username,
      password: platform.connection.password,
      apiKey: (await issueApiKey(platform.registry, { name: 'bench admin', role: 'admin' })).token,
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
 * Registers the fleet's sensors and the extra ones, where ingest admits registered sensors only, then
 * restarts ingest so that its sensor directory loads them all, as it does at start-up.
 */
async function register(message: Extract<ToSut, { type: 'register' }>): Promise<number> {
  if (platform === undefined) return 0
  const created = await registerFleet(platform.registry, message.fleet, message.extra)
  if (created > 0) {
    await platform.stopIngest()
    await platform.startIngest()
  }
  return created
}

function sample(): FromSut {
  const memory = process.memoryUsage()
  const stats = platform?.ingest?.stats()
  return {
    type: 'sample',
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    eventLoopUtilization: performance.eventLoopUtilization().utilization,
    sincePrevious: takeLoopWindow(),
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

let profiler: { session: Session; kind: ProfileKind } | undefined

/** A sampling profiler over the load window only, not start-up: CPU as --cpu-prof, or allocations. */
async function startProfile(kind: ProfileKind): Promise<void> {
  const session = new Session()
  session.connect()
  if (kind === 'cpu') {
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
  } else {
    await session.post('HeapProfiler.enable')
    // Every allocation sampled, those the young generation collected too: what drives the scavenges.
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: HEAP_SAMPLING_INTERVAL,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    })
  }
  profiler = { session, kind }
}

async function stopProfile(file: string): Promise<void> {
  if (profiler === undefined) throw new Error('no profile running')
  const { session, kind } = profiler
  profiler = undefined
  let profile: unknown
  if (kind === 'cpu') profile = (await session.post('Profiler.stop')).profile
  else {
    profile = (await session.post('HeapProfiler.getSamplingProfile')).profile
    await session.post('HeapProfiler.stopSampling')
  }
  session.disconnect()
  await writeFile(file, JSON.stringify(profile))
}

async function stop(): Promise<void> {
  await platform?.close()
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
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
      await startProfile(message.kind)
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
