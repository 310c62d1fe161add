import { type ChildProcess, fork } from 'node:child_process'
import type { GenerateFleetOptions } from '../../simulators/fleet.ts'

export type SutMode = 'quantrac' | 'ceiling'

/** `cpu`: V8's sampling CPU profiler (.cpuprofile); `heap`: its sampling heap profiler, every allocation kept. */
export type ProfileKind = 'cpu' | 'heap'

/** Bytes between two samples of the heap profiler: V8's default is 32 KB; finer for a steadier split. */
export const HEAP_SAMPLING_INTERVAL = 8 * 1024

export type ToSut =
  | { type: 'start'; mode: SutMode; influxUrl?: string; smtpUrl?: string }
  | { type: 'sample' }
  | { type: 'register'; fleet: GenerateFleetOptions; extra: { facilityId: string; sensorIds: string[] }[] }
  | { type: 'profile-start'; kind: ProfileKind }
  | { type: 'profile-stop'; file: string }
  | { type: 'stop' }

export interface SutSample {
  type: 'sample'
  rss: number
  heapUsed: number
  /** Share of time the event loop was busy since the process started (not windowed). */
  eventLoopUtilization: number
  ingest?: {
    messages: number
    readings: number
    rejected: number
    written: number
    pending: number
    dropped: number
    refused: number
    failedBatches: number
  }
  /** The event loop since the previous sample: what could have held an alert back. */
  sincePrevious: LoopWindow
  /** Ceiling mode: messages and payload bytes the counting subscriber received. */
  received: number
  receivedBytes: number
}

export interface LoopWindow {
  /** Event-loop delay (monitorEventLoopDelay, 1 ms resolution), in ms. */
  loopDelay: { p99: number; max: number }
  /** Garbage collections, as V8 reports them to perf_hooks; pauses in ms. */
  gc: { count: number; totalMs: number; maxMs: number; over5ms: number }
}

export type FromSut =
  | {
      type: 'ready'
      mqttPort: number
      apiUrl?: string
      database?: string
      username?: string
      password?: string
      apiKey?: string
    }
  | { type: 'registered'; sensors: number }
  | SutSample
  | { type: 'profiling' }
  | { type: 'profiled' }
  | { type: 'error'; message: string }

export interface RunningSut {
  pid: number
  mode: SutMode
  mqttPort: number
  apiUrl?: string
  database?: string
  /** Service credentials publishers use where the broker wants credentials. */
  credentials: { username?: string; password?: string }
  /** An admin API key for the live feed, where the API wants one. */
  apiKey?: string
  sample(): Promise<SutSample>
  /** Registers a fleet's sensors (and extra noise sensors) where ingest admits registered sensors only. */
  register(
    fleet: GenerateFleetOptions,
    extra?: { facilityId: string; sensorIds: string[] }[],
  ): Promise<number>
  /**
   * Starts one of V8's sampling profilers in the process, for the load window only: the CPU profiler
   * (what --cpu-prof uses) or the heap profiler, which keeps every sampled allocation, collected or not.
   */
  startProfile(kind?: ProfileKind): Promise<void>
  /** Stops it and writes the profile (.cpuprofile, or .heapprofile) to `file`. */
  stopProfile(file: string): Promise<void>
  /** SIGKILL, for a platform that no longer answers. */
  kill(): Promise<void>
  /** Graceful stop: the platform closes in order, then the process exits. */
  stop(): Promise<void>
}

const SUT_URL = new URL('./sut-process.ts', import.meta.url)

/**
 * Node and V8 flags for the system under test alone (`QUANTRAC_BENCH_SUT_FLAGS`, space-separated), for
 * trying heap settings that NODE_OPTIONS refuses (`--no-parallel-scavenge`, `--minor-ms`).
 */
export const SUT_NODE_FLAGS = (process.env.QUANTRAC_BENCH_SUT_FLAGS ?? '').split(' ').filter(Boolean)

function nextMessage<T extends FromSut['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<FromSut, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`system under test sent no ${type} within ${timeoutMs} ms`))
    }, timeoutMs)
    function onMessage(message: FromSut) {
      if (message.type === 'error') {
        cleanup()
        reject(new Error(`system under test failed: ${message.message}`))
      } else if (message.type === type) {
        cleanup()
        resolve(message as never)
      }
    }
    function onExit(code: number | null) {
      cleanup()
      reject(new Error(`system under test exited with ${code}`))
    }
    function cleanup() {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

/** Forks the system under test; with `smtpUrl` its notifier sends e-mail there (QUANTRAC_SMTP_URL). */
export async function startSut(options: {
  mode: SutMode
  influxUrl?: string
  smtpUrl?: string
}): Promise<RunningSut> {
  const child = fork(SUT_URL, [], {
    execArgv: SUT_NODE_FLAGS,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = nextMessage(child, 'ready', 60_000)
  child.send({
    type: 'start',
    mode: options.mode,
    influxUrl: options.influxUrl,
    smtpUrl: options.smtpUrl,
  } satisfies ToSut)
  let started: Extract<FromSut, { type: 'ready' }>
  try {
    started = await ready
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    pid: child.pid as number,
    mode: options.mode,
    mqttPort: started.mqttPort,
    apiUrl: started.apiUrl,
    database: started.database,
    credentials: { username: started.username, password: started.password },
    apiKey: started.apiKey,
    async register(fleet, extra = []) {
      const answer = nextMessage(child, 'registered', 600_000)
      child.send({ type: 'register', fleet, extra } satisfies ToSut)
      return (await answer).sensors
    },
    async sample() {
      // Generous: an overloaded platform answers late, and how late is part of what the bench reports.
      const answer = nextMessage(child, 'sample', 60_000)
      child.send({ type: 'sample' } satisfies ToSut)
      return answer
    },
    async startProfile(kind = 'cpu') {
      const answer = nextMessage(child, 'profiling', 10_000)
      child.send({ type: 'profile-start', kind } satisfies ToSut)
      await answer
    },
    async stopProfile(file) {
      const answer = nextMessage(child, 'profiled', 60_000)
      child.send({ type: 'profile-stop', file } satisfies ToSut)
      await answer
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGKILL')
      await exited
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.send({ type: 'stop' } satisfies ToSut)
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await exited
      clearTimeout(timer)
    },
  }
}
