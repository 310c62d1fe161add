import { type ChildProcess, fork } from 'node:child_process'
import { DEVICE_MODELS } from '../../simulators/devices.ts'
import { type GenerateFleetOptions, generateFleet } from '../../simulators/fleet.ts'
import { type Summary, summarize } from './stats.ts'

export interface LoadWorkerConfig {
  kind: 'publish' | 'idle'
  host: string
  port: number
  fleet: GenerateFleetOptions
  workerIndex: number
  workerCount: number
  messagesPerSecond: number
  durationMs: number
  connections: number
  /** Unacknowledged QoS 1 publishes allowed per connection. */
  window: number
  drainTimeoutMs: number
  clientIdPrefix: string
  username?: string
  password?: string
}

export type ToLoadWorker =
  | { type: 'start'; config: LoadWorkerConfig }
  | { type: 'go'; startMs: number }
  | { type: 'stop' }

export interface LoadWorkerResult {
  workerIndex: number
  offeredMessages: number
  offeredReadings: number
  sentMessages: number
  sentReadings: number
  ackedMessages: number
  ackedReadings: number
  unacked: number
  startMs: number
  sendEndMs: number
  lastAckMs: number
  windowFullPumps: number
  cpuMs: number
  rttMs: number[]
  errors: string[]
}

type FromLoadWorker =
  | { type: 'ready'; connections: number; sensors: number }
  | { type: 'done'; result: LoadWorkerResult }
  | { type: 'error'; message: string }

export interface LoadResult {
  offeredReadingsPerSecond: number
  durationMs: number
  offeredMessages: number
  offeredReadings: number
  sentReadings: number
  ackedMessages: number
  ackedReadings: number
  unacked: number
  startMs: number
  sendEndMs: number
  lastAckMs: number
  /** Acknowledged readings per second, from the first publish to the last PUBACK. */
  ackedPerSecond: number
  /** Whether any publisher had to wait for PUBACKs (its window was full): back-pressure reached it. */
  throttled: boolean
  /** Load generators' CPU, in cores over the run. */
  generatorCores: number
  /** PUBACK round trip of a sample of publishes. */
  pubackMs: Summary
  errors: string[]
}

export interface LoadOptions {
  host: string
  port: number
  fleet: GenerateFleetOptions
  readingsPerSecond: number
  durationMs: number
  workers?: number
  connectionsPerWorker?: number
  window?: number
  drainTimeoutMs?: number
  clientIdPrefix?: string
  /** Credentials the publishers connect with, when the broker wants them. */
  username?: string
  password?: string
}

const WORKER_URL = new URL('./load-worker.ts', import.meta.url)
const WORKER_START_TIMEOUT_MS = 60_000

/** Average readings per message of a fleet: its sensors' factor counts. */
export function readingsPerMessage(fleet: GenerateFleetOptions): number {
  const sensors = generateFleet(fleet).facilities.flatMap((facility) => facility.sensors)
  return sensors.reduce((sum, sensor) => sum + DEVICE_MODELS[sensor.model].factors.length, 0) / sensors.length
}

interface Worker {
  child: ChildProcess
  next<T extends FromLoadWorker['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FromLoadWorker, { type: T }>>
}

function forkWorker(): Worker {
  // No inherited flags: a --cpu-prof of the bench must not profile its load generators.
  const child = fork(WORKER_URL, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return {
    child,
    next(type, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`load worker sent no ${type} within ${timeoutMs} ms`))
        }, timeoutMs)
        function onMessage(message: FromLoadWorker) {
          if (message.type === 'error') {
            cleanup()
            reject(new Error(`load worker failed: ${message.message}`))
          } else if (message.type === type) {
            cleanup()
            resolve(message as never)
          }
        }
        function onExit(code: number | null) {
          cleanup()
          reject(new Error(`load worker exited with ${code} while waiting for ${type}`))
        }
        function cleanup() {
          clearTimeout(timer)
          child.off('message', onMessage)
          child.off('exit', onExit)
        }
        child.on('message', onMessage)
        child.on('exit', onExit)
      })
    },
  }
}

async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.send({ type: 'stop' } satisfies ToLoadWorker)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }),
  )
}

/** Forks `count` load workers and starts each with its config; stops them all if any fails to start. */
async function startWorkers(count: number, configFor: (workerIndex: number) => LoadWorkerConfig) {
  const workers = Array.from({ length: count }, forkWorker)
  try {
    await Promise.all(
      workers.map((worker, workerIndex) => {
        worker.child.send({ type: 'start', config: configFor(workerIndex) } satisfies ToLoadWorker)
        return worker.next('ready', WORKER_START_TIMEOUT_MS)
      }),
    )
  } catch (err) {
    await stopWorkers(workers)
    throw err
  }
  return workers
}

/**
 * Forks the publishers and connects them; `run()` then starts them together and resolves with the
 * totals once every publisher has sent its share (or run out of time) and heard its last PUBACK.
 */
export async function prepareLoad(options: LoadOptions) {
  const workerCount = options.workers ?? 2
  const perMessage = readingsPerMessage(options.fleet)
  const messagesPerSecond = options.readingsPerSecond / perMessage / workerCount
  const workers = await startWorkers(workerCount, (workerIndex) => ({
    kind: 'publish',
    host: options.host,
    port: options.port,
    fleet: options.fleet,
    workerIndex,
    workerCount,
    messagesPerSecond,
    durationMs: options.durationMs,
    connections: options.connectionsPerWorker ?? 8,
    window: options.window ?? 64,
    drainTimeoutMs: options.drainTimeoutMs ?? 15_000,
    clientIdPrefix: options.clientIdPrefix ?? 'bench-pub',
    username: options.username,
    password: options.password,
  }))

  return {
    async run(): Promise<LoadResult> {
      const startMs = Date.now()
      const done = workers.map((worker) => worker.next('done', options.durationMs + 120_000))
      for (const worker of workers) worker.child.send({ type: 'go', startMs } satisfies ToLoadWorker)
      const results = (await Promise.all(done)).map((message) => message.result)
      return combine(options, startMs, results)
    },
    stop: () => stopWorkers(workers),
  }
}

/** prepareLoad, run, stop. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const load = await prepareLoad(options)
  try {
    return await load.run()
  } finally {
    await load.stop()
  }
}

function combine(options: LoadOptions, startMs: number, results: LoadWorkerResult[]): LoadResult {
  const sum = (pick: (r: LoadWorkerResult) => number) => results.reduce((total, r) => total + pick(r), 0)
  const lastAckMs = Math.max(...results.map((r) => r.lastAckMs))
  const ackedReadings = sum((r) => r.ackedReadings)
  const sendEndMs = Math.max(...results.map((r) => r.sendEndMs))
  return {
    offeredReadingsPerSecond: options.readingsPerSecond,
    durationMs: options.durationMs,
    offeredMessages: sum((r) => r.offeredMessages),
    offeredReadings: sum((r) => r.offeredReadings),
    sentReadings: sum((r) => r.sentReadings),
    ackedMessages: sum((r) => r.ackedMessages),
    ackedReadings,
    unacked: sum((r) => r.unacked),
    startMs,
    sendEndMs,
    lastAckMs,
    ackedPerSecond: lastAckMs > startMs ? (ackedReadings * 1000) / (lastAckMs - startMs) : 0,
    throttled: results.some((r) => r.windowFullPumps > 0),
    generatorCores: sum((r) => r.cpuMs) / Math.max(1, lastAckMs - startMs),
    pubackMs: summarize(results.flatMap((r) => r.rttMs)),
    errors: results.flatMap((r) => r.errors),
  }
}

/** Holds `connections` idle sensor connections (keep-alive off) open from `workers` processes. */
export async function openIdleConnections(options: {
  host: string
  port: number
  connections: number
  workers?: number
  clientIdPrefix?: string
  username?: string
  password?: string
}) {
  const workerCount = options.workers ?? 1
  const workers = await startWorkers(workerCount, (workerIndex) => {
    const share =
      Math.floor(options.connections / workerCount) +
      (workerIndex < options.connections % workerCount ? 1 : 0)
    return {
      kind: 'idle',
      host: options.host,
      port: options.port,
      fleet: { facilities: 1, sensorsPerFacility: 1 },
      workerIndex,
      workerCount,
      messagesPerSecond: 0,
      durationMs: 0,
      connections: share,
      window: 1,
      drainTimeoutMs: 0,
      clientIdPrefix: options.clientIdPrefix ?? 'bench-idle',
      username: options.username,
      password: options.password,
    }
  })
  return { close: () => stopWorkers(workers) }
}
