import type { GenerateFleetOptions } from '../../simulators/fleet.ts'
import type { BenchContext } from '../lib/context.ts'
import { countReadings } from '../lib/influx.ts'
import { runAlertLatency } from '../lib/latency-run.ts'
import type { LoadResult } from '../lib/load.ts'
import {
  OFFERED_COLUMNS,
  type OfferedRun,
  offeredRow,
  runOffered,
  sustained,
  tableLoss,
} from '../lib/runs.ts'
import { BENCH_FLEET, PUBLISHERS, type Section } from '../lib/section.ts'
import { formatBytes, formatCount, formatMs, formatPercent, summarize } from '../lib/stats.ts'
import { type LoopWindow, type RunningSut, startSut } from '../lib/sut.ts'
import type { CeilingFigures } from './ceiling.ts'

/** Offered loads in readings/s, shared with the peer so both face the same ones. */
export function offeredLoads(quick: boolean): number[] {
  return quick ? [5_000, 25_000] : [5_000, 10_000, 25_000, 40_000, 50_000, 60_000]
}
export const SATURATING_READINGS_PER_SECOND = 400_000
export const LATENCY_BACKGROUND_READINGS_PER_SECOND = 5_000
export const LATENCY_FACILITY = 'bench-lat'

export interface EndToEndFigures {
  /** Stored readings/s with the publishers saturating, when nothing was lost. */
  losslessReadingsPerSecond: number | undefined
  highestSustainedOffered: number | undefined
  lostAtAnyLoad: number
  /** Runs that did not complete (the platform stopped answering), with the reason. */
  failures: string[]
  latency: ReturnType<typeof summarize> & { missed: number }
  /** The platform's event loop over the latency probe: its delay and garbage collections. */
  latencyLoop?: LoopWindow
  /** Saturated stored readings/s over the ceiling section's readings/s, when both ran. */
  ceilingRatio?: number
  /** CPU of the saturated run, in cores: quantrac's process and the whole machine. */
  saturatedCores?: { quantrac?: number; machine: number }
  cpuCoresAt5k?: number
  rssBytes?: number
}

/**
 * Resolves with the time ingest finished: it has taken every acknowledged message and its writer has
 * nothing pending; or, when messages went missing, the last time anything moved (no progress for 2 s).
 */
export function ingestDrained(sut: RunningSut, timeoutMs: number) {
  return async (before: { messages: number }, load: LoadResult): Promise<number> => {
    const deadline = Date.now() + timeoutMs
    let last = ''
    let lastProgressAt = Date.now()
    for (;;) {
      const ingest = (await sut.sample()).ingest
      if (ingest === undefined) return Date.now()
      const now = Date.now()
      if (ingest.messages - before.messages >= load.ackedMessages && ingest.pending === 0) return now
      const progress = `${ingest.messages}/${ingest.written}/${ingest.pending}`
      if (progress !== last) {
        last = progress
        lastProgressAt = now
      } else if (ingest.pending === 0 && now - lastProgressAt > 2_000) return lastProgressAt
      if (now > deadline) return now
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
}

const registeredFleets = new WeakMap<RunningSut, Set<string>>()

/** Registers a fleet's sensors once per platform (a no-op where the platform admits any sensor). */
export async function ensureRegistered(ctx: BenchContext, sut: RunningSut, fleet: GenerateFleetOptions) {
  const key = JSON.stringify(fleet)
  const done = registeredFleets.get(sut) ?? new Set()
  registeredFleets.set(sut, done)
  if (done.has(key)) return
  const started = performance.now()
  const count = await sut.register(fleet)
  if (count > 0)
    ctx.progress(`registered ${formatCount(count)} sensors in ${formatMs(performance.now() - started, 0)}`)
  done.add(key)
}

export async function runQuantracLoad(
  ctx: BenchContext,
  sut: RunningSut,
  readingsPerSecond: number,
  durationMs: number,
  fleet = BENCH_FLEET,
): Promise<OfferedRun> {
  const influxd = await ctx.influxd()
  await ensureRegistered(ctx, sut, fleet)
  const before = (await sut.sample()).ingest ?? { messages: 0 }
  const drained = ingestDrained(sut, 60_000)
  return runOffered({
    mqttPort: sut.mqttPort,
    fleet,
    readingsPerSecond,
    durationMs,
    pids: { quantrac: sut.pid, influxd: influxd.pid },
    drained: (load) => drained(before, load),
    countStored: (from, to) => countReadings(influxd.url, sut.database as string, from, to),
    countRejected: async () => (await sut.sample()).ingest?.rejected ?? 0,
    ...PUBLISHERS,
    ...sut.credentials,
  })
}

export const endToEnd: Section = {
  id: 'end-to-end',
  title: '2. quantrac end to end: MQTT → ingest → InfluxDB, and publish-to-alert latency',
  async run(ctx) {
    const durationMs = ctx.quick ? 2_000 : 10_000
    const influxd = await ctx.influxd()
    ctx.progress(`end-to-end: starting the platform (aedes, ingest, API) against influxd ${influxd.url}`)
    let sut = await startSut({ mode: 'quantrac', influxUrl: influxd.url })
    const idle = await sut.sample()
    try {
      const runs: OfferedRun[] = []
      const failures: string[] = []
      for (const offered of [...offeredLoads(ctx.quick), SATURATING_READINGS_PER_SECOND]) {
        ctx.progress(`end-to-end: offering ${formatCount(offered)} readings/s for ${durationMs / 1000} s`)
        try {
          const run = await runQuantracLoad(ctx, sut, offered, durationMs)
          runs.push(run)
          ctx.progress(
            `end-to-end:   acknowledged ${formatCount(run.load.ackedReadings)} of ${formatCount(run.load.offeredReadings)}, stored ${formatCount(run.stored ?? 0)}, lost ${formatCount(run.lost ?? 0)}, ${formatCount(run.storedPerSecond ?? 0)} stored/s`,
          )
        } catch (err) {
          // An overwhelmed platform is a result, not a reason to stop: record it, go on with a fresh one.
          failures.push(`${formatCount(offered)} readings/s offered: ${(err as Error).message}`)
          ctx.progress(`end-to-end:   failed: ${(err as Error).message}; restarting the platform`)
          await sut.kill()
          sut = await startSut({ mode: 'quantrac', influxUrl: influxd.url })
          break
        }
      }

      const samples = ctx.quick ? 30 : 1000
      const intervalMs = 50
      ctx.progress(
        `end-to-end: alert latency, ${samples} samples over a background of ${formatCount(LATENCY_BACKGROUND_READINGS_PER_SECOND)} readings/s`,
      )
      const sensorPrefix = `lat-${Date.now().toString(36)}`
      await sut.register(BENCH_FLEET, [
        {
          facilityId: LATENCY_FACILITY,
          sensorIds: Array.from({ length: samples }, (_, i) => `${sensorPrefix}-${i}`),
        },
      ])
      const run = await runAlertLatency({
        sut,
        fleet: BENCH_FLEET,
        facilityId: LATENCY_FACILITY,
        sensorPrefix,
        samples,
        intervalMs,
        backgroundReadingsPerSecond: LATENCY_BACKGROUND_READINGS_PER_SECOND,
      })
      const { probe, background: backgroundResult } = run
      if (run.error !== undefined) {
        failures.push(`alert latency: ${run.error}`)
        ctx.progress(`end-to-end:   alert latency failed: ${run.error}`)
      }
      const latency = { ...summarize(probe.latencies), missed: probe.missed }
      const probePuback = summarize(probe.pubacks)
      ctx.progress(
        `end-to-end:   alert latency p50 ${formatMs(latency.p50)}, p99 ${formatMs(latency.p99)}, max ${formatMs(latency.max)}, missed ${latency.missed}`,
      )

      const saturatedDone = runs.at(-1)?.load.offeredReadingsPerSecond === SATURATING_READINGS_PER_SECOND
      const fixed = saturatedDone ? runs.slice(0, -1) : runs
      const saturated = saturatedDone ? (runs.at(-1) as OfferedRun) : undefined
      const sustainedLoads = fixed.filter(sustained).map((run) => run.load.offeredReadingsPerSecond)
      const lostAtAnyLoad = runs.reduce((sum, run) => sum + (run.lost ?? 0), 0)
      const lossless = saturated?.lost === 0 ? saturated.storedPerSecond : undefined
      const ceilingFigures = ctx.shared.get('ceiling') as CeilingFigures | undefined
      const ratio =
        ceilingFigures && saturated?.storedPerSecond
          ? saturated.storedPerSecond / ceilingFigures.readingsPerSecond
          : undefined
      const at5k = runs.find((run) => run.load.offeredReadingsPerSecond === 5_000)
      const figures: EndToEndFigures = {
        losslessReadingsPerSecond: lossless,
        highestSustainedOffered: sustainedLoads.length > 0 ? Math.max(...sustainedLoads) : undefined,
        lostAtAnyLoad,
        failures,
        latency,
        latencyLoop: run.loop,
        ceilingRatio: ratio,
        saturatedCores: saturated && {
          quantrac: saturated.cores.quantrac,
          machine: saturated.machineBusyCores,
        },
        cpuCoresAt5k: at5k?.cores.quantrac,
        rssBytes: (saturated ?? runs.at(-1))?.rss.quantrac,
      }
      ctx.shared.set('end-to-end', figures)
      const final = await sut.sample()

      return {
        summary: [
          saturated === undefined
            ? `Saturated: **no figure**: ${failures.join('; ') || 'not run'}.`
            : `Saturated (publishers held back only by QoS 1 flow control): **${formatCount(saturated.storedPerSecond ?? Number.NaN)} readings/s stored**, ${formatCount(saturated.lost ?? Number.NaN)} lost` +
              (ratio === undefined
                ? '.'
                : `, **${formatPercent(ratio)} of the broker ceiling** (${formatCount(ceilingFigures?.readingsPerSecond ?? Number.NaN)} readings/s).`),
          `Highest fixed offered load sustained (all acknowledged, none lost, store caught up within 1 s): ${figures.highestSustainedOffered === undefined ? 'none' : `${formatCount(figures.highestSustainedOffered)} readings/s`}.`,
          `Readings acknowledged by the broker but missing from InfluxDB, all runs together: **${formatCount(lostAtAnyLoad)}**.`,
          `Publish-to-alert on a socket.io client at ${formatCount(LATENCY_BACKGROUND_READINGS_PER_SECOND)} readings/s background: **p50 ${formatMs(latency.p50)}, p99 ${formatMs(latency.p99)}, max ${formatMs(latency.max)}** (${latency.count} samples, ${latency.missed} missed).`,
          ...(run.loop === undefined
            ? []
            : [
                `Over the probe, quantrac's event loop was delayed up to ${formatMs(run.loop.loopDelay.max, 1)} (p99 ${formatMs(run.loop.loopDelay.p99, 1)}); ${formatCount(run.loop.gc.count)} garbage collections took ${formatMs(run.loop.gc.totalMs, 0)}, the longest ${formatMs(run.loop.gc.maxMs, 1)}, ${formatCount(run.loop.gc.over5ms)} over 5 ms.`,
              ]),
          `quantrac process: RSS ${formatBytes(idle.rss)} idle → ${formatBytes(final.rss)} after the runs; CPU ${at5k?.cores.quantrac?.toFixed(2) ?? '–'} cores at 5,000 readings/s, ${saturated?.cores.quantrac?.toFixed(2) ?? '–'} saturated.`,
          ...failures.map((failure) => `Failed run: ${failure}.`),
        ],
        tables: [
          {
            title:
              'Offered loads (readings; CPU in cores: quantrac process, influxd, load generators, whole machine)',
            columns: OFFERED_COLUMNS,
            rows: runs.map((run) => offeredRow(run, 'quantrac')),
          },
          {
            title: 'Publish-to-alert latency',
            columns: [
              'samples',
              'missed',
              'min',
              'p50',
              'p90',
              'p99',
              'max',
              'probe PUBACK p50 / p99',
              'background acked',
            ],
            rows: [
              [
                latency.count,
                latency.missed,
                formatMs(latency.min),
                formatMs(latency.p50),
                formatMs(latency.p90),
                formatMs(latency.p99),
                formatMs(latency.max),
                `${formatMs(probePuback.p50)} / ${formatMs(probePuback.p99)}`,
                backgroundResult === undefined
                  ? '–'
                  : `${formatCount(backgroundResult.ackedReadings)} of ${formatCount(backgroundResult.offeredReadings)}`,
              ],
            ],
          },
        ],
        notes: [
          '*offered* is what the publishers were scheduled to send in the run; *acknowledged* what the broker PUBACKed (less than offered only when flow control held the publishers back: they wait, they never drop); *stored* is `SELECT count(value) FROM reading` over the run’s reading times; *lost* = acknowledged − stored; *refused msgs* are messages ingest rejected on purpose during the run (schema, unknown sensor, per-sensor rate limit), which also count in *lost*. *stored r/s* runs from the first publish to the moment ingest’s writer had nothing pending; *store lag* is how long after the last PUBACK that was.',
          `The last row offers ${formatCount(SATURATING_READINGS_PER_SECOND)} readings/s, far past capacity: it measures capacity and shows whether back-pressure or loss absorbs the excess.`,
          `Latency: one reading of noise 118 dBA (QCVN 24 maximum 115 dBA) per sample, each from a fresh sensor id (an open alert for the same sensor and factor is not raised again), every ${intervalMs} ms, timed from \`publishAsync\` to the socket.io \`alert\` event in the bench process; the path is MQTT → aedes → ingest (in the broker’s process) → aedes → MQTT (QoS 1) → API live relay → socket.io.`,
        ],
        losses: [tableLoss('end to end: offered loads', runs)],
        data: {
          runs,
          failures,
          loop: run.loop,
          latency,
          latencySamplesMs: probe.latencies,
          probePuback,
          background: backgroundResult,
          idle,
          final,
          ratio,
        },
      }
    } finally {
      await sut.stop()
    }
  },
}
