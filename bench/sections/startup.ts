import { fork } from 'node:child_process'
import type { Section } from '../lib/section.ts'
import type { LoopDelay, LoopWindow, StartupProbeOptions, StartupProbeResult } from '../lib/startup-probe.ts'
import { formatCount, formatMs } from '../lib/stats.ts'

export interface StartupFigures {
  sensors: number
  startMs: number
  acceptsReadingsMs: number
  /** With no readings coming: the periodic work alone. */
  quiet: LoopDelay
  /** The longest garbage collection over the quiet window, in ms. */
  quietGcMaxMs: number
  /** With the fleet's readings coming. */
  loaded: LoopDelay
}

/** Issue #21's goals. */
export const STARTUP_GOAL_MS = 5_000
export const STALL_GOAL_MS = 10

const PROBE_URL = new URL('../lib/startup-probe.ts', import.meta.url)

/** 100,020 sensors, 30 to a facility, the simulator's device mix (about 2.2 readings a message). */
const FLEET = { facilities: 3_334, sensorsPerFacility: 30, seed: 1 }

/** Runs the probe in a fresh process: the figures are those of a platform that just started. */
function runProbe(
  options: StartupProbeOptions,
  progress: (line: string) => void,
): Promise<StartupProbeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(PROBE_URL, [JSON.stringify(options)], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    })
    let result: StartupProbeResult | undefined
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim() !== '') progress(`startup:   ${line}`)
    })
    child.on('message', (message: { type: 'done'; result: StartupProbeResult }) => {
      if (message.type === 'done') result = message.result
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (result !== undefined) resolve(result)
      else reject(new Error(`the start-up probe exited with ${code} before reporting`))
    })
  })
}

export const startup: Section = {
  id: 'startup',
  title: '7. Start-up and periodic work with 100,000 registered sensors',
  async run(ctx) {
    // Each sensor once during the warm-up, then at its registered interval. Each window covers two offline
    // sweeps (10 s) in quick runs, and the full refreshes of facilities and sensors (60 s) in full ones.
    const options: StartupProbeOptions = {
      fleet: FLEET,
      reportingIntervalS: 60,
      warmMs: 30_000,
      quietMs: ctx.quick ? 25_000 : 65_000,
      watchMs: ctx.quick ? 25_000 : 65_000,
    }
    ctx.progress(
      `startup: ${formatCount(FLEET.facilities * FLEET.sensorsPerFacility)} sensors, window ${options.watchMs / 1000} s`,
    )
    const result = await runProbe(options, ctx.progress)
    ctx.shared.set('startup', {
      sensors: result.sensors,
      startMs: result.startMs,
      acceptsReadingsMs: result.acceptsReadingsMs,
      quiet: result.quiet.delay,
      quietGcMaxMs: result.quiet.gc.maxMs,
      loaded: result.loaded.delay,
    } satisfies StartupFigures)
    const alerts = Object.entries(result.openAlerts)
      .map(([kind, count]) => `${formatCount(count)} ${kind}`)
      .join(', ')
    const windowRow = (label: string, window: LoopWindow, readings: string) => [
      label,
      formatMs(window.delay.max, 1),
      formatMs(window.delay.p99, 1),
      formatMs(window.delay.p50, 1),
      formatMs(window.delay.mean, 1),
      [...window.secondMax]
        .sort((a, b) => b - a)
        .slice(0, 5)
        .map((ms) => formatMs(ms, 0))
        .join(', '),
      `${formatCount(window.gc.count)}; longest ${formatMs(window.gc.maxMs, 1)}, ${formatCount(window.gc.over10ms)} over 10 ms`,
      readings,
    ]
    return {
      summary: [
        `${formatCount(result.sensors)} sensors in ${formatCount(result.facilities)} facilities: the platform started in ${formatMs(result.startMs, 0)} and took its first reading ${formatMs(result.acceptsReadingsMs, 0)} after the start began (goal < ${formatMs(STARTUP_GOAL_MS, 0)}).`,
        `With every sensor's evaluators in memory, the periodic work alone stalled the event loop ${formatMs(result.quiet.delay.max, 1)} at worst (p99 ${formatMs(result.quiet.delay.p99, 1)}; goal ≤ ${formatMs(STALL_GOAL_MS, 0)}); with ${formatCount(result.offeredMessagesPerSecond)} messages/s coming, ${formatMs(result.loaded.delay.max, 1)} (p99 ${formatMs(result.loaded.delay.p99, 1)}).`,
      ],
      tables: [
        {
          title: 'Start-up (fresh data directory, embedded SQLite registry and store, all parts)',
          columns: ['sensors', 'fixture', 'createPlatform', 'first reading taken', 'loop max during start'],
          rows: [
            [
              formatCount(result.sensors),
              formatMs(result.fixtureMs, 0),
              formatMs(result.startMs, 0),
              formatMs(result.acceptsReadingsMs, 0),
              formatMs(result.startDelay.max, 0),
            ],
          ],
        },
        {
          title: `Event loop delay (perf_hooks monitorEventLoopDelay, 1 ms resolution); alerts open at the end: ${alerts === '' ? 'none' : alerts}`,
          columns: [
            'window',
            'max',
            'p99',
            'p50',
            'mean',
            'worst seconds',
            'garbage collections',
            'readings taken',
          ],
          rows: [
            windowRow(`quiet, ${options.quietMs / 1000} s`, result.quiet, '0'),
            windowRow(
              `loaded, ${options.watchMs / 1000} s`,
              result.loaded,
              formatCount(result.loaded.readings),
            ),
          ],
        },
      ],
      notes: [
        'The fixture registers the fleet straight into SQLite (bench/lib/bulk-fleet.ts): it is the set-up, not what is measured. "createPlatform" is platform/platform.ts from the call until it resolves; "first reading taken" until ingest counted the readings of one message published on MQTT.',
        `The fleet publishes from 2 load processes × 4 connections with the service credentials: each sensor once during a ${options.warmMs / 1000}-s warm-up (so every evaluator exists), then once a minute, its registered interval. Each window covers the offline sweep (10 s), the state saves (200 ms), the alert log copy (1 s), the last-seen flush (30 s)${ctx.quick ? '' : ', the full refreshes of facilities and sensors (60 s)'} and the commissioning tracker (5 s).`,
        `Load average at the end: ${result.loadAverage.map((l) => l.toFixed(2)).join(', ')} (2 cores, shared).`,
      ],
      data: { options, result },
    }
  },
}
