import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runMicro } from '../lib/micro.ts'
import {
  type AllocationShare,
  analyzeAllocations,
  analyzeProfile,
  type CpuProfile,
  type HeapProfileNode,
} from '../lib/profile.ts'
import { BENCH_FLEET, type Section } from '../lib/section.ts'
import { formatBytes, formatCount, formatPercent } from '../lib/stats.ts'
import { HEAP_SAMPLING_INTERVAL, startSut } from '../lib/sut.ts'
import {
  LATENCY_BACKGROUND_READINGS_PER_SECOND,
  runQuantracLoad,
  SATURATING_READINGS_PER_SECOND,
} from './end-to-end.ts'

export interface HotPathFigures {
  /** Bytes allocated per reading stored at the latency probe's background load (sampled). */
  allocatedPerReading: number
  /** The largest allocating categories, with their shares. */
  topAllocators: { name: string; share: number }[]
}

export const hotPath: Section = {
  id: 'hot-path',
  title: '6. Hot path: per-message costs, a CPU profile under load and where the allocations go',
  async run(ctx) {
    ctx.progress('hot-path: micro-benchmarks of decode, zod, line protocol, exposure (separate process)')
    const micro = await runMicro({ fleet: BENCH_FLEET, messages: 5_000, timeMs: ctx.quick ? 100 : 1_000 })

    const influxd = await ctx.influxd()
    const profileDir = await mkdtemp(join(tmpdir(), 'quantrac-bench-prof-'))
    const durationMs = ctx.quick ? 2_000 : 10_000
    ctx.progress(`hot-path: CPU profile of quantrac, publishers saturating for ${durationMs / 1000} s`)
    let analysis: ReturnType<typeof analyzeProfile>
    let allocations: ReturnType<typeof analyzeAllocations>
    let runStoredPerSecond: number | undefined
    let allocatedReadings: number
    try {
      const file = join(profileDir, 'quantrac.cpuprofile')
      const heapFile = join(profileDir, 'quantrac.heapprofile')
      const sut = await startSut({ mode: 'quantrac', influxUrl: influxd.url })
      try {
        await sut.startProfile('cpu')
        const run = await runQuantracLoad(ctx, sut, SATURATING_READINGS_PER_SECOND, durationMs)
        await sut.stopProfile(file)
        runStoredPerSecond = run.storedPerSecond
        ctx.progress(
          `hot-path: allocations of quantrac at ${formatCount(LATENCY_BACKGROUND_READINGS_PER_SECOND)} readings/s for ${durationMs / 1000} s`,
        )
        await sut.startProfile('heap')
        const steady = await runQuantracLoad(ctx, sut, LATENCY_BACKGROUND_READINGS_PER_SECOND, durationMs)
        await sut.stopProfile(heapFile)
        allocatedReadings = steady.stored ?? steady.load.ackedReadings
      } finally {
        await sut.stop()
      }
      analysis = analyzeProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile)
      allocations = analyzeAllocations(
        (JSON.parse(await readFile(heapFile, 'utf8')) as { head: HeapProfileNode }).head,
      )
    } finally {
      await rm(profileDir, { recursive: true, force: true })
    }

    const perMessage = micro.readingsPerMessage
    const stage = (name: string) => micro.results.find((r) => r.name.startsWith(name))
    const decodeNs = stage('decodeMessage')?.nsPerOp ?? Number.NaN
    const lineNs = (stage('readingLine')?.nsPerOp ?? Number.NaN) * perMessage
    const exposureNs = (stage('exposure monitor')?.nsPerOp ?? Number.NaN) * perMessage
    const ownNs = decodeNs + lineNs + exposureNs
    const transport = analysis.categories
      .filter((c) => /MQTT|aedes|Node core/.test(c.name))
      .reduce((sum, c) => sum + c.share, 0)
    const top = analysis.categories[0]
    ctx.progress(
      `hot-path: decode ${decodeNs.toFixed(0)} ns/message; profile: ${top?.name} ${formatPercent(top?.share ?? 0)} of busy time`,
    )
    const allocatedPerReading = allocations.totalBytes / Math.max(1, allocatedReadings)
    const perReading = (share: AllocationShare) => [
      share.name,
      formatBytes(share.bytes / Math.max(1, allocatedReadings)),
      formatPercent(share.share),
    ]
    ctx.shared.set('hot-path', {
      allocatedPerReading,
      topAllocators: allocations.categories.slice(0, 3).map(({ name, share }) => ({ name, share })),
    } satisfies HotPathFigures)
    return {
      summary: [
        `decodeMessage ${formatCount(decodeNs)} ns per message (${perMessage.toFixed(2)} readings, ${micro.bytesPerMessage.toFixed(0)} bytes); with line protocol and exposure evaluation ingest’s own work is about ${formatCount(ownNs)} ns per message, i.e. one core could do ~${formatCount((1e9 / ownNs) * perMessage)} readings/s of it.`,
        `At ${formatCount(LATENCY_BACKGROUND_READINGS_PER_SECOND)} readings/s (the alert probe's background) the process allocated about **${formatBytes(allocatedPerReading)} per reading** (${formatBytes(allocations.totalBytes)} sampled over ${formatCount(allocatedReadings)} readings): what the young generation collects, and so how often the scavenges that hold the event loop come. Largest: ${allocations.categories
          .slice(0, 4)
          .map((c) => `${c.name} ${formatPercent(c.share)}`)
          .join(', ')}.`,
        `Under saturating load (${formatCount(runStoredPerSecond ?? Number.NaN)} readings/s stored while profiled) the process was idle ${formatPercent(analysis.idleShare)} of the time; MQTT transport (aedes, mqtt-packet, MQTT.js, Node streams and sockets) took ${formatPercent(transport)} of the busy time, the largest category being “${top?.name}” at ${formatPercent(top?.share ?? 0)}.`,
      ],
      tables: [
        {
          title: 'Micro-benchmarks (simulator payloads; allocation read off the heap between two GCs)',
          columns: ['stage', 'ns / op', 'bytes allocated / op', 'ops timed'],
          rows: micro.results.map((r) => [
            r.name,
            r.error ? `failed: ${r.error}` : formatCount(r.nsPerOp),
            r.error ? '–' : formatCount(r.bytesPerOp),
            formatCount(r.ops),
          ]),
        },
        {
          title: 'CPU profile of the quantrac process, self time by category (share of busy time)',
          columns: ['category', 'self ms', 'share'],
          rows: analysis.categories.map((c) => [c.name, formatCount(c.selfMs), formatPercent(c.share)]),
        },
        {
          title: `Allocations at ${formatCount(LATENCY_BACKGROUND_READINGS_PER_SECOND)} readings/s by category (V8's sampling heap profiler, every ${formatBytes(HEAP_SAMPLING_INTERVAL)}, collected objects included; charged to the nearest caller outside Node and V8)`,
          columns: ['category', 'bytes per reading', 'share'],
          rows: allocations.categories.map(perReading),
        },
        {
          title: 'Top allocating functions',
          columns: ['function', 'bytes per reading', 'share'],
          rows: allocations.functions.map(perReading),
        },
        {
          title: 'Top functions by self time',
          columns: ['function', 'self ms', 'share'],
          rows: analysis.functions.map((f) => [f.name, formatCount(f.selfMs), formatPercent(f.share)]),
        },
      ],
      notes: [
        'The profile is of the whole platform process (aedes, ingest, API), taken with V8’s sampling profiler (the one behind `--cpu-prof`, started through `node:inspector` so that it covers the load window and not start-up); profiling slows the process somewhat, so its shares matter, not its throughput. “V8 builtins / native” holds JSON.parse, RegExp and similar, charged to no script.',
      ],
      data: {
        micro,
        profile: analysis,
        storedPerSecondWhileProfiled: runStoredPerSecond,
        allocations,
        allocatedReadings,
      },
    }
  },
}
