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
  writeReport,
} from './lib/report.ts'
import { BENCH_FLEET, PUBLISHERS, type Section, STORE_BATCH } from './lib/section.ts'
import { formatCount } from './lib/stats.ts'
import { SUT_NODE_FLAGS } from './lib/sut.ts'
import { type CeilingFigures, ceiling } from './sections/ceiling.ts'
import { type EndToEndFigures, endToEnd } from './sections/end-to-end.ts'
import { hotPath } from './sections/hot-path.ts'
import { type NotificationFigures, notifications } from './sections/notifications.ts'
import { partitioned } from './sections/partitioned.ts'
import { PEER_DIR, type PeerFigures, peer } from './sections/peer.ts'
import { type ScaleFigures, scale } from './sections/scale.ts'
import { type StartupFigures, startup } from './sections/startup.ts'
import { store } from './sections/store.ts'
import { targets } from './targets.ts'

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
      'system under test flags': SUT_NODE_FLAGS.join(' ') || 'none (QUANTRAC_BENCH_SUT_FLAGS)',
    },
    targets: targets(
      {
        ceiling: ctx.shared.get('ceiling') as CeilingFigures | undefined,
        endToEnd: ctx.shared.get('end-to-end') as EndToEndFigures | undefined,
        peer: peerFigures,
        scale: ctx.shared.get('scale') as ScaleFigures | undefined,
        notifications: ctx.shared.get('notifications') as NotificationFigures | undefined,
        startup: ctx.shared.get('startup') as StartupFigures | undefined,
        cores: machine.cores,
      },
      sections,
    ),
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
