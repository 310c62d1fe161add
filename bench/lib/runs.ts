import type { GenerateFleetOptions } from '../../simulators/fleet.ts'
import { type LoadResult, prepareLoad } from './load.ts'
import { processRssBytes, startCpuWindow } from './machine.ts'
import type { TableLoss } from './report.ts'
import { formatBytes, formatCount, formatMs } from './stats.ts'

export interface OfferedRunOptions {
  mqttPort: number
  fleet: GenerateFleetOptions
  readingsPerSecond: number
  durationMs: number
  /** Processes whose CPU and RSS the run reports, by name. */
  pids: Record<string, number | undefined>
  /** Resolves, with the time it happened, once the system has stored what it accepted (or gave up). */
  drained?: (load: LoadResult) => Promise<number>
  /** What reached the store over the run's reading times. */
  countStored?: (fromMs: number, toMs: number) => Promise<number>
  /** Messages the system refused on purpose during the run (invalid, rate-limited), where it counts them. */
  countRejected?: () => Promise<number>
  /** Called as the publishers start, with their start time: for what must happen while the load runs. */
  onLoadStart?: (startMs: number) => void
  workers?: number
  connectionsPerWorker?: number
  window?: number
  username?: string
  password?: string
}

export interface OfferedRun {
  load: LoadResult
  stored: number | undefined
  /** Acknowledged by the broker but not in the store (refused messages included: see `rejected`). */
  lost: number | undefined
  /** Messages ingest refused during the run (schema, rate limit…); undefined where not counted. */
  rejected: number | undefined
  /** Stored readings per second, from the first publish to the moment the store had them all. */
  storedPerSecond: number | undefined
  /** How long after the publishers finished the store caught up: a system keeping pace drains at once. */
  drainLagMs: number | undefined
  cores: Record<string, number>
  machineBusyCores: number
  rss: Record<string, number>
}

/** One offered load: publishers at a fixed rate for a fixed time, then acknowledged vs stored. */
export async function runOffered(options: OfferedRunOptions): Promise<OfferedRun> {
  const load = await prepareLoad({
    host: '127.0.0.1',
    port: options.mqttPort,
    fleet: options.fleet,
    readingsPerSecond: options.readingsPerSecond,
    durationMs: options.durationMs,
    workers: options.workers,
    connectionsPerWorker: options.connectionsPerWorker,
    window: options.window,
    username: options.username,
    password: options.password,
  })
  let result: LoadResult
  let cpu: ReturnType<ReturnType<typeof startCpuWindow>>
  let drainedAt: number | undefined
  const rejectedBefore = await options.countRejected?.()
  try {
    const stopCpu = startCpuWindow(options.pids)
    const running = load.run()
    options.onLoadStart?.(Date.now())
    result = await running
    drainedAt = options.drained ? await options.drained(result) : undefined
    cpu = stopCpu()
  } finally {
    await load.stop()
  }
  const stored = options.countStored ? await options.countStored(result.startMs, result.sendEndMs) : undefined
  const rejectedAfter = await options.countRejected?.()
  const rss: Record<string, number> = {}
  for (const [name, pid] of Object.entries(options.pids)) {
    const bytes = pid === undefined ? undefined : processRssBytes(pid)
    if (bytes !== undefined) rss[name] = bytes
  }
  return {
    load: result,
    stored,
    lost: stored === undefined ? undefined : Math.max(0, result.ackedReadings - stored),
    rejected:
      rejectedBefore === undefined || rejectedAfter === undefined
        ? undefined
        : rejectedAfter - rejectedBefore,
    storedPerSecond:
      stored === undefined || drainedAt === undefined
        ? undefined
        : (stored * 1000) / (drainedAt - result.startMs),
    drainLagMs: drainedAt === undefined ? undefined : Math.max(0, drainedAt - result.lastAckMs),
    cores: cpu.cores,
    machineBusyCores: cpu.machineBusyCores,
    rss,
  }
}

/**
 * Sustained: the offered readings were sent and acknowledged (≥ 99.9 %: the last pump of a run may fall
 * a few messages short when its time is up), none lost, and the store kept pace (lag < 1 s).
 */
export function sustained(run: OfferedRun): boolean {
  return (
    run.load.ackedReadings >= run.load.offeredReadings * 0.999 &&
    run.lost === 0 &&
    run.drainLagMs !== undefined &&
    run.drainLagMs < 1000
  )
}

export const OFFERED_COLUMNS = [
  'offered r/s',
  'offered',
  'acknowledged',
  'stored',
  'lost',
  'refused msgs',
  'acked r/s',
  'stored r/s',
  'store lag',
  'PUBACK p50 / p99',
  'CPU (cores)',
  'RSS',
  'sustained',
]

export function offeredRow(run: OfferedRun, rssName: string): string[] {
  const cores = Object.entries(run.cores)
    .map(([name, value]) => `${name} ${value.toFixed(2)}`)
    .concat(`gen ${run.load.generatorCores.toFixed(2)}`, `machine ${run.machineBusyCores.toFixed(2)}`)
  return [
    formatCount(run.load.offeredReadingsPerSecond),
    formatCount(run.load.offeredReadings),
    formatCount(run.load.ackedReadings),
    run.stored === undefined ? '–' : formatCount(run.stored),
    run.lost === undefined ? '–' : formatCount(run.lost),
    run.rejected === undefined ? '–' : formatCount(run.rejected),
    formatCount(run.load.ackedPerSecond),
    run.storedPerSecond === undefined ? '–' : formatCount(run.storedPerSecond),
    run.drainLagMs === undefined ? '–' : formatMs(run.drainLagMs, 0),
    `${formatMs(run.load.pubackMs.p50, 1)} / ${formatMs(run.load.pubackMs.p99, 1)}`,
    cores.join(', '),
    run.rss[rssName] === undefined ? '–' : formatBytes(run.rss[rssName] as number),
    sustained(run) ? 'yes' : 'no',
  ]
}

/** A table's runs added up for the report's losses (a run with nothing counted adds nothing). */
export function tableLoss(table: string, runs: OfferedRun[]): TableLoss {
  return {
    table,
    acknowledged: runs.reduce((sum, run) => sum + run.load.ackedReadings, 0),
    lost: runs.reduce((sum, run) => sum + (run.lost ?? 0), 0),
  }
}
