import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runMicro } from '../lib/micro.ts'
import { analyzeProfile, type CpuProfile } from '../lib/profile.ts'
import { BENCH_FLEET, type Section } from '../lib/section.ts'
import { formatCount, formatPercent } from '../lib/stats.ts'
import { startSut } from '../lib/sut.ts'
import { runQuantracLoad, SATURATING_READINGS_PER_SECOND } from './end-to-end.ts'

export const hotPath: Section = {
  id: 'hot-path',
  title: '6. Hot path: per-message costs and a CPU profile of ingest under load',
  async run(ctx) {
    ctx.progress('hot-path: micro-benchmarks of decode, zod, line protocol, exposure (separate process)')
    const micro = await runMicro({ fleet: BENCH_FLEET, messages: 5_000, timeMs: ctx.quick ? 100 : 1_000 })

    const influxd = await ctx.influxd()
    const profileDir = await mkdtemp(join(tmpdir(), 'quantrac-bench-prof-'))
    const durationMs = ctx.quick ? 2_000 : 10_000
    ctx.progress(`hot-path: CPU profile of quantrac, publishers saturating for ${durationMs / 1000} s`)
    let analysis: ReturnType<typeof analyzeProfile>
    let runStoredPerSecond: number | undefined
    try {
      const file = join(profileDir, 'quantrac.cpuprofile')
      const sut = await startSut({ mode: 'quantrac', influxUrl: influxd.url })
      try {
        await sut.startProfile()
        const run = await runQuantracLoad(ctx, sut, SATURATING_READINGS_PER_SECOND, durationMs)
        await sut.stopProfile(file)
        runStoredPerSecond = run.storedPerSecond
      } finally {
        await sut.stop()
      }
      analysis = analyzeProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile)
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
    return {
      summary: [
        `decodeMessage ${formatCount(decodeNs)} ns per message (${perMessage.toFixed(2)} readings, ${micro.bytesPerMessage.toFixed(0)} bytes); with line protocol and exposure evaluation ingest’s own work is about ${formatCount(ownNs)} ns per message, i.e. one core could do ~${formatCount((1e9 / ownNs) * perMessage)} readings/s of it.`,
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
          title: 'Top functions by self time',
          columns: ['function', 'self ms', 'share'],
          rows: analysis.functions.map((f) => [f.name, formatCount(f.selfMs), formatPercent(f.share)]),
        },
      ],
      notes: [
        'The profile is of the whole platform process (aedes, ingest, API), taken with V8’s sampling profiler (the one behind `--cpu-prof`, started through `node:inspector` so that it covers the load window and not start-up); profiling slows the process somewhat, so its shares matter, not its throughput. “V8 builtins / native” holds JSON.parse, RegExp and similar, charged to no script.',
      ],
      data: { micro, profile: analysis, storedPerSecondWhileProfiled: runStoredPerSecond },
    }
  },
}
