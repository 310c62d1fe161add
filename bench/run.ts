/**
 * quantrac's benchmark: `node bench/run.ts [--quick] [--only <section>[,<section>…]]`.
 * Runs the sections in order on this machine, printing progress on stderr, and writes
 * bench/results/latest.md and latest.json. See bench/README.md for what each figure means.
 */

import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { BENCH_DIR, createContext } from './lib/context.ts'
import { commandVersion, machineInfo, packageVersion } from './lib/machine.ts'
import {
  type BenchReport,
  SECTION_IDS,
  type SectionId,
  type SectionResult,
  type TargetCheck,
  writeReport,
} from './lib/report.ts'
import { BENCH_FLEET, PUBLISHERS, type Section, STORE_BATCH } from './lib/section.ts'
import { formatBytes, formatCount, formatMs, formatPercent } from './lib/stats.ts'
import { type CeilingFigures, ceiling } from './sections/ceiling.ts'
import { type EndToEndFigures, endToEnd } from './sections/end-to-end.ts'
import { hotPath } from './sections/hot-path.ts'
import { type NotificationFigures, notifications } from './sections/notifications.ts'
import { partitioned } from './sections/partitioned.ts'
import { PEER_DIR, type PeerFigures, peer } from './sections/peer.ts'
import { type ScaleFigures, scale } from './sections/scale.ts'
import { CAPPED_YOUNG_GENERATION } from './sections/scale-servers.ts'
import { STALL_GOAL_MS, STARTUP_GOAL_MS, type StartupFigures, startup } from './sections/startup.ts'
import { store } from './sections/store.ts'

/** Run order: the cheap, self-contained measurements first; the ceiling before end-to-end, which divides by it. */
const SECTIONS: Section[] = [
  hotPath,
  store,
  ceiling,
  endToEnd,
  notifications,
  peer,
  scale,
  startup,
  partitioned,
]

function parseOnly(value: string | undefined): Set<SectionId> {
  if (value === undefined) return new Set(SECTION_IDS)
  const ids = value.split(',').map((id) => id.trim())
  const unknown = ids.filter((id) => !(SECTION_IDS as readonly string[]).includes(id))
  if (unknown.length > 0) {
    throw new Error(`unknown section ${unknown.join(', ')}: choose from ${SECTION_IDS.join(', ')}`)
  }
  return new Set(ids as SectionId[])
}

function targets(shared: Map<string, unknown>): TargetCheck[] {
  const ceilingFigures = shared.get('ceiling') as CeilingFigures | undefined
  const e2e = shared.get('end-to-end') as EndToEndFigures | undefined
  const scaleFigures = shared.get('scale') as ScaleFigures | undefined
  const lossless = e2e?.losslessReadingsPerSecond
  const ratio =
    lossless !== undefined && ceilingFigures ? lossless / ceilingFigures.readingsPerSecond : undefined
  const perConnection = scaleFigures?.rssPerIdleConnection
  const notifying = shared.get('notifications') as NotificationFigures | undefined
  const starting = shared.get('startup') as StartupFigures | undefined
  return [
    {
      goal: '≥ 50,000 readings/s end to end, lossless',
      measured:
        lossless !== undefined
          ? `${formatCount(lossless)} readings/s`
          : e2e === undefined
            ? '–'
            : e2e.failures.length > 0
              ? `no figure: ${e2e.failures.join('; ')}`
              : 'readings lost at saturation',
      met: e2e ? lossless !== undefined && lossless >= 50_000 : undefined,
    },
    {
      goal: '≥ 55 % of the raw broker ceiling',
      measured: ratio === undefined ? '–' : formatPercent(ratio),
      met: ratio === undefined ? undefined : ratio >= 0.55,
    },
    {
      goal: 'zero readings lost at any offered load',
      measured: e2e
        ? `${formatCount(e2e.lostAtAnyLoad)} lost` +
          (e2e.failures.length > 0
            ? ` in the runs that completed; ${e2e.failures.length} run(s) did not complete`
            : '')
        : '–',
      met: e2e ? e2e.lostAtAnyLoad === 0 && e2e.failures.length === 0 : undefined,
    },
    {
      goal: 'publish-to-alert p50 ≤ 5 ms at 5,000 readings/s',
      measured: e2e ? formatMs(e2e.latency.p50) : '–',
      met: e2e ? e2e.latency.p50 <= 5 && e2e.latency.missed === 0 : undefined,
    },
    {
      goal: 'publish-to-alert p99 ≤ 25 ms at 5,000 readings/s',
      measured: e2e ? formatMs(e2e.latency.p99) : '–',
      met: e2e ? e2e.latency.p99 <= 25 && e2e.latency.missed === 0 : undefined,
    },
    {
      goal: 'publish-to-alert p99 unchanged (≤ 25 ms) with 100 notifications a minute, none lost (#16)',
      measured: notifying
        ? `${formatMs(notifying.without.p99)} without, ${formatMs(notifying.with.p99)} with; ${formatCount(notifying.lost)} lost, ${formatCount(notifying.duplicates)} repeats`
        : '–',
      met: notifying
        ? notifying.with.p99 <= 25 &&
          notifying.with.missed === 0 &&
          notifying.lost === 0 &&
          notifying.duplicates === 0
        : undefined,
    },
    {
      goal: '≤ 10 KB RSS per idle connected sensor',
      measured:
        perConnection === undefined
          ? '–'
          : [
              `${formatBytes(perConnection)} at ${formatCount(scaleFigures?.idleConnections ?? Number.NaN)}`,
              scaleFigures?.youngGenerationPerIdleConnection === undefined
                ? ''
                : ` (of it ${formatBytes(scaleFigures.youngGenerationPerIdleConnection)} the young generation, once per process)`,
              scaleFigures?.marginalRssPerIdleConnection === undefined
                ? ''
                : `; ${formatBytes(scaleFigures.marginalRssPerIdleConnection)} for each further connection`,
              scaleFigures?.cappedRssPerIdleConnection === undefined
                ? ''
                : `; ${formatBytes(scaleFigures.cappedRssPerIdleConnection)} with ${CAPPED_YOUNG_GENERATION}`,
            ].join(''),
      met: perConnection === undefined ? undefined : perConnection <= 10 * 1024,
    },
    {
      goal: 'start in < 5 s with 100,000 registered sensors (#21)',
      measured: starting
        ? `first reading taken ${formatMs(starting.acceptsReadingsMs, 0)} after the start began (${formatCount(starting.sensors)} sensors)`
        : '–',
      met: starting ? starting.acceptsReadingsMs < STARTUP_GOAL_MS : undefined,
    },
    {
      goal: 'periodic work never stalls the event loop > 10 ms at 100,000 sensors (#21)',
      measured: starting
        ? `worst ${formatMs(starting.quiet.max, 1)} with no readings coming, ${formatMs(starting.loaded.max, 1)} with them (p99 ${formatMs(starting.quiet.p99, 1)}, ${formatMs(starting.loaded.p99, 1)})`
        : '–',
      met: starting ? starting.quiet.max <= STALL_GOAL_MS : undefined,
    },
  ]
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: join(BENCH_DIR, 'results') },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(
      `usage: node bench/run.ts [--quick] [--only ${SECTION_IDS.join(',')}] [--out <dir>]\n` +
        '  --quick  short runs, about a minute once the peer is installed (no 10,000-connection test)\n',
    )
    return
  }
  const only = parseOnly(values.only)
  const quick = values.quick
  const ctx = createContext({ quick })
  const startedAt = new Date()
  const machine = machineInfo()
  ctx.progress(
    `quantrac bench (${quick ? 'quick' : 'full'}) on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}; load average ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  )
  const sections: SectionResult[] = []
  let interrupted = false
  const onSignal = () => {
    interrupted = true
    ctx.progress('interrupted: finishing the current section, then writing the report')
  }
  process.once('SIGINT', onSignal)
  try {
    for (const section of SECTIONS) {
      if (!only.has(section.id) || interrupted) continue
      ctx.progress(`── ${section.title}`)
      const sectionStart = performance.now()
      try {
        const body = await section.run(ctx)
        sections.push({
          id: section.id,
          title: section.title,
          status: 'ok',
          durationMs: performance.now() - sectionStart,
          ...body,
        })
      } catch (err) {
        ctx.progress(`${section.id} failed: ${(err as Error).stack ?? err}`)
        sections.push({
          id: section.id,
          title: section.title,
          status: 'failed',
          durationMs: performance.now() - sectionStart,
          summary: [],
          tables: [],
          notes: [],
          data: {},
          error: (err as Error).message,
        })
      }
    }
  } finally {
    await ctx.close()
    process.off('SIGINT', onSignal)
  }

  const nodeModules = join(BENCH_DIR, '..', 'node_modules')
  const peerFigures = ctx.shared.get('peer') as PeerFigures | undefined
  const report: BenchReport = {
    title: 'quantrac benchmark',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    command: `node bench/run.ts${quick ? ' --quick' : ''}${values.only ? ` --only ${values.only}` : ''}`,
    machine,
    versions: {
      quantrac: packageVersion(join(BENCH_DIR, '..'), '.') ?? '?',
      aedes: packageVersion(nodeModules, 'aedes') ?? '?',
      mqtt: packageVersion(nodeModules, 'mqtt') ?? '?',
      'socket.io': packageVersion(nodeModules, 'socket.io') ?? '?',
      zod: packageVersion(nodeModules, 'zod') ?? '?',
      influxd: commandVersion('influxd', ['version']) ?? 'not installed',
      mosquitto: commandVersion('mosquitto', ['-h']) ?? 'not installed',
      'node-red': packageVersion(join(PEER_DIR, 'node_modules'), 'node-red') ?? 'not installed',
      'node-red-contrib-influxdb':
        packageVersion(join(PEER_DIR, 'node_modules'), 'node-red-contrib-influxdb') ?? 'not installed',
    },
    settings: {
      fleet: `${BENCH_FLEET.facilities} facilities × ${BENCH_FLEET.sensorsPerFacility} sensors (simulator device mix, seed ${BENCH_FLEET.seed})`,
      publishers: `${PUBLISHERS.workers} processes × ${PUBLISHERS.connectionsPerWorker} connections, QoS 1, ≤ ${PUBLISHERS.window} unacknowledged per connection`,
      'run length': quick ? '2 s per load (quick)' : '10 s per load',
      'store batch': `${formatCount(STORE_BATCH.size)} readings or ${STORE_BATCH.flushMs} ms, quantrac and the peer alike; other ingest settings at their defaults`,
      'broker max payload': '16,384 bytes',
      'peer broker': peerFigures?.broker ?? 'Mosquitto',
    },
    targets: targets(ctx.shared),
    sections,
    notes: [
      `Load average at start ${machine.loadAverage.map((l) => l.toFixed(2)).join(', ')}: on a shared machine the "machine" CPU column (all processes, in cores) shows how much others were using; compare it with the sum of ours.`,
    ],
  }
  const written = await writeReport(values.out, report)
  ctx.progress(`report: ${written.markdown} and ${written.json}`)
  for (const target of report.targets) {
    ctx.progress(
      `target ${target.met === undefined ? '·' : target.met ? '✓' : '✗'} ${target.goal}: ${target.measured}`,
    )
  }
}

await main()
