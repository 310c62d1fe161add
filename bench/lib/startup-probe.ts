/**
 * Start-up and periodic work of a large registry (issue #21), in a process of its own (forked by
 * startup.ts): registers a fleet straight into a fresh data directory, times the platform's start from its
 * composition root until a reading is taken, then drives the fleet's readings and watches the event loop
 * over a window long enough for every periodic task (offline sweep, state saves, the full refreshes).
 * `node bench/lib/startup-probe.ts '<json options>'` runs it by hand and prints the figures.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks'
import { connectAsync } from 'mqtt'
import { pino } from 'pino'
import { ALERT_KINDS } from '../../core/alerts.ts'
import { createPlatform, platformConfig } from '../../platform/platform.ts'
import { type GenerateFleetOptions, generateFleet } from '../../simulators/fleet.ts'
import { createFleetSimulators } from '../../simulators/sensor.ts'
import { registerFleetInBulk } from './bulk-fleet.ts'
import { prepareLoad, runLoad } from './load.ts'

export interface StartupProbeOptions {
  fleet: GenerateFleetOptions
  /** Each sensor publishes once this often (seconds); also its registered reporting interval. */
  reportingIntervalS: number
  /** Readings before the window, each sensor's once, so every sensor has its evaluators (ms). */
  warmMs: number
  /** The window with no readings coming (ms), after the warm-up. */
  quietMs: number
  /** The window with readings coming (ms). */
  watchMs: number
  /** Writes CPU profiles of the start (`<file>.start`) and of the window here, to find what stalls. */
  profileFile?: string
}

/** What a stall histogram says, in ms. */
export interface LoopDelay {
  max: number
  p99: number
  p50: number
  mean: number
}

export interface StartupProbeResult {
  sensors: number
  facilities: number
  fixtureMs: number
  /** createPlatform, from the call until it resolves. */
  startMs: number
  /** From the call until the first reading published was taken by ingest. */
  acceptsReadingsMs: number
  /** The event loop during start-up. */
  startDelay: LoopDelay
  /** The event loop with the fleet's evaluators in memory and no readings coming: the periodic work alone. */
  quiet: LoopWindow
  /** The event loop with the fleet's readings coming in, at each sensor's interval. */
  loaded: LoopWindow & { readings: number }
  offeredMessagesPerSecond: number
  /** Alerts open at the end of the window, by kind: a storm of them is other work than the periodic. */
  openAlerts: Record<string, number>
  loadAverage: number[]
}

export interface LoopWindow {
  delay: LoopDelay
  /** Each second's worst stall (ms), to tell which periodic task stalled. */
  secondMax: number[]
  /** Garbage collections over the window, as V8 reports them to perf_hooks: the longest pause, in ms. */
  gc: { count: number; maxMs: number; over10ms: number }
}

const toMs = (ns: number) => ns / 1e6

function delayOf(histogram: ReturnType<typeof monitorEventLoopDelay>): LoopDelay {
  return {
    max: toMs(histogram.max),
    p99: toMs(histogram.percentile(99)),
    p50: toMs(histogram.percentile(50)),
    mean: toMs(histogram.mean),
  }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function runStartupProbe(
  options: StartupProbeOptions,
  progress: (line: string) => void,
): Promise<StartupProbeResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-startup-'))
  try {
    const fixtureStarted = performance.now()
    const registered = await registerFleetInBulk(dataDir, options.fleet, options.reportingIntervalS)
    const fixtureMs = performance.now() - fixtureStarted
    progress(
      `registered ${registered.sensors} sensors in ${registered.facilities} facilities in ${fixtureMs.toFixed(0)} ms`,
    )
    // The embedded defaults, as `quantrac start` on a fresh install: SQLite registry and store, all parts.
    const config = platformConfig.parse({
      QUANTRAC_DATA_DIR: dataDir,
      QUANTRAC_HTTP_PORT: '0',
      QUANTRAC_MQTT_PORT: '0',
      QUANTRAC_MQTT_MAX_CONNECTIONS_PER_USER: '1000000',
    })
    const probe = firstMessage(options.fleet)
    const startDelay = monitorEventLoopDelay({ resolution: 1 })
    startDelay.enable()
    const startSession = options.profileFile === undefined ? undefined : await startProfile()
    const started = performance.now()
    const platform = await createPlatform(config, { log: pino({ level: 'silent' }) })
    const startMs = performance.now() - started
    try {
      const acceptsReadingsMs = await firstReadingTaken(platform, probe, started)
      startDelay.disable()
      if (startSession !== undefined) await stopProfile(startSession, `${options.profileFile}.start`)
      progress(
        `started in ${startMs.toFixed(0)} ms, took its first reading at ${acceptsReadingsMs.toFixed(0)} ms`,
      )

      const port = Number(new URL(platform.connection.mqttUrl).port)
      const sensors = registered.sensors
      const messagesPerSecond = sensors / options.reportingIntervalS
      const publishers = {
        host: '127.0.0.1',
        port,
        fleet: options.fleet,
        workers: 2,
        connectionsPerWorker: 4,
        clientIdPrefix: 'startup-pub',
        username: platform.connection.username,
        password: platform.connection.password,
      }
      const perMessage = readingsPerMessageOf(options.fleet)
      // Each sensor once, faster than its interval, so the window sees every evaluator without waiting for it.
      progress(`warm: each sensor's first message over ${options.warmMs} ms`)
      await runLoad({
        ...publishers,
        readingsPerSecond: (sensors / options.warmMs) * 1000 * perMessage,
        durationMs: options.warmMs,
      })
      // The warm-up's readings through the store and the sweeps, before the quiet window opens.
      await settle(3_000)
      progress(`quiet: watching the event loop for ${options.quietMs} ms with no readings coming`)
      const quiet = await watchLoop(options.quietMs, options.profileFile && `${options.profileFile}.quiet`)
      progress(`quiet: loop delay max ${quiet.delay.max.toFixed(1)} ms, p99 ${quiet.delay.p99.toFixed(1)} ms`)
      const load = await prepareLoad({
        ...publishers,
        readingsPerSecond: messagesPerSecond * perMessage,
        durationMs: options.watchMs + 5_000,
        clientIdPrefix: 'startup-steady',
      })
      try {
        const running = load.run()
        await settle(2_000)
        const readingsBefore = platform.ingest?.stats().readings ?? 0
        progress(`loaded: watching the event loop for ${options.watchMs} ms`)
        const loaded = await watchLoop(options.watchMs, options.profileFile)
        const readings = (platform.ingest?.stats().readings ?? 0) - readingsBefore
        progress(
          `loaded: loop delay max ${loaded.delay.max.toFixed(1)} ms, p99 ${loaded.delay.p99.toFixed(1)} ms; ${readings} readings`,
        )
        await running
        const openAlerts: Record<string, number> = {}
        for (const kind of ALERT_KINDS) {
          const { total } = await platform.registry.list({ kind, state: 'active', limit: 1, offset: 0 })
          if (total > 0) openAlerts[kind] = total
        }
        return {
          sensors,
          facilities: registered.facilities,
          fixtureMs,
          startMs,
          acceptsReadingsMs,
          startDelay: delayOf(startDelay),
          quiet,
          loaded: { ...loaded, readings },
          offeredMessagesPerSecond: messagesPerSecond,
          openAlerts,
          loadAverage: (await import('node:os')).loadavg(),
        }
      } finally {
        await load.stop()
      }
    } finally {
      await platform.close()
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

function readingsPerMessageOf(fleet: GenerateFleetOptions): number {
  const simulators = createFleetSimulators({
    fleet: generateFleet(fleet),
    scenario: 'normal',
    seed: 0,
    startMs: 0,
  })
  const sample = simulators.slice(0, 2_000)
  return sample.reduce((sum, sensor) => sum + (sensor.next(0)?.readings ?? 0), 0) / sample.length
}

/** Watches the event loop for `ms`, profiling the CPU meanwhile if given a file. */
async function watchLoop(ms: number, profileFile: string | undefined): Promise<LoopWindow> {
  const session = profileFile === undefined ? undefined : await startProfile()
  const whole = monitorEventLoopDelay({ resolution: 1 })
  const second = monitorEventLoopDelay({ resolution: 1 })
  whole.enable()
  second.enable()
  const secondMax: number[] = []
  const gc = { count: 0, maxMs: 0, over10ms: 0 }
  const collections = new PerformanceObserver(function countCollections(list) {
    for (const entry of list.getEntries()) {
      gc.count++
      gc.maxMs = Math.max(gc.maxMs, entry.duration)
      if (entry.duration > 10) gc.over10ms++
    }
  })
  collections.observe({ entryTypes: ['gc'] })
  const perSecond = setInterval(() => {
    secondMax.push(toMs(second.max))
    second.reset()
  }, 1000)
  await settle(ms)
  clearInterval(perSecond)
  whole.disable()
  second.disable()
  collections.disconnect()
  if (session !== undefined && profileFile !== undefined) await stopProfile(session, profileFile)
  return { delay: delayOf(whole), secondMax, gc }
}

/** One message of the fleet's first sensor, made before the clock starts: simulating is not start-up. */
function firstMessage(fleet: GenerateFleetOptions): { topic: string; payload: string | Buffer } {
  const [first] = generateFleet(fleet).facilities
  const [sensor] = createFleetSimulators({
    fleet: { facilities: first === undefined ? [] : [first] },
    scenario: 'normal',
    seed: 0,
    startMs: Date.now(),
  })
  const message = sensor?.next(Date.now())
  if (sensor === undefined || message === undefined) throw new Error('the fleet has no sensor to publish')
  return { topic: sensor.topic, payload: message.payload }
}

/** Publishes the message and waits until ingest took its readings: ms since `since`. */
async function firstReadingTaken(
  platform: Awaited<ReturnType<typeof createPlatform>>,
  message: { topic: string; payload: string | Buffer },
  since: number,
): Promise<number> {
  const client = await connectAsync(platform.connection.mqttUrl, {
    username: platform.connection.username,
    password: platform.connection.password,
    clientId: 'startup-first-reading',
  })
  try {
    await client.publishAsync(message.topic, message.payload, { qos: 1 })
    while ((platform.ingest?.stats().readings ?? 0) === 0) await settle(1)
    return performance.now() - since
  } finally {
    await client.endAsync()
  }
}

async function startProfile(): Promise<Session> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  return session
}

async function stopProfile(session: Session, file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop')
  await writeFile(file, JSON.stringify(profile))
  session.disconnect()
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2] ?? '{}') as StartupProbeOptions
  const result = await runStartupProbe(options, (line) => process.stderr.write(`${line}\n`))
  if (process.send) process.send({ type: 'done', result })
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  process.exit(0)
}
