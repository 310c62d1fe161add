import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync } from 'mqtt'
import { FACTOR_IDS } from '../../core/factors.ts'
import { limitsFor } from '../../core/limits/index.ts'
import { readingsTopic } from '../../core/topics.ts'
import { freePort } from '../../test/support/ports.ts'
import { findOnPath, startProcess, stopProcess, waitUntil } from '../../test/support/processes.ts'
import { BENCH_DIR } from '../lib/context.ts'
import { countReadings, createDatabase, influxQuery } from '../lib/influx.ts'
import { measureAlertLatency, webSocketAlerts } from '../lib/latency.ts'
import { type LoadResult, prepareLoad } from '../lib/load.ts'
import { commandVersion } from '../lib/machine.ts'
import {
  OFFERED_COLUMNS,
  type OfferedRun,
  offeredRow,
  runOffered,
  sustained,
  tableLoss,
} from '../lib/runs.ts'
import { BENCH_FLEET, PUBLISHERS, type Section } from '../lib/section.ts'
import { formatCount, formatMs, formatPercent, summarize } from '../lib/stats.ts'
import { type EndToEndFigures, LATENCY_BACKGROUND_READINGS_PER_SECOND, offeredLoads } from './end-to-end.ts'

export const PEER_DIR = join(BENCH_DIR, '.peer')
const PEER_PACKAGES = ['node-red@5.0.7', 'node-red-contrib-influxdb@0.7.0']
const PEER_SOURCES = join(BENCH_DIR, 'peer')

export interface PeerFigures {
  broker: string
  highestSustainedOffered: number | undefined
  /** Highest stored readings/s of a run that lost nothing (0 when every run lost some). */
  bestLossless: number
  /** Acknowledged by Mosquitto and missing from InfluxDB, all runs together. */
  lost: number
  latency: ReturnType<typeof summarize> & { missed: number }
}

/** Installs Node-RED and its InfluxDB nodes into bench/.peer on first use, with npm's own progress output. */
async function ensureInstalled(progress: (message: string) => void): Promise<void> {
  if (existsSync(join(PEER_DIR, 'node_modules', 'node-red', 'red.js'))) return
  progress(`peer: installing ${PEER_PACKAGES.join(' ')} into ${PEER_DIR} (once)`)
  await new Promise<void>((resolve, reject) => {
    const npm = spawn(
      'npm',
      ['install', '--prefix', PEER_DIR, '--no-audit', '--no-fund', '--loglevel=http', ...PEER_PACKAGES],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    )
    npm.on('error', reject)
    npm.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm install exited with ${code}`))))
  })
}

/** quantrac's QCVN instantaneous limits, canonical units, for the peer's function node. */
function qcvnLimits(): Record<string, { ceiling?: number; floor?: number; idlh?: number }> {
  const table: Record<string, { ceiling?: number; floor?: number; idlh?: number }> = {}
  for (const factor of FACTOR_IDS) {
    const limits = limitsFor('qcvn', factor)
    if (limits?.ceiling === undefined && limits?.floor === undefined && limits?.idlh === undefined) continue
    table[factor] = { ceiling: limits.ceiling?.value, floor: limits.floor?.value, idlh: limits.idlh?.value }
  }
  return table
}

async function startMosquitto(dir: string) {
  const binary = findOnPath('mosquitto')
  if (binary === undefined) throw new Error('mosquitto not found on PATH (Debian: apt-get install mosquitto)')
  const port = await freePort()
  const config = join(dir, 'mosquitto.conf')
  // Mosquitto 2.0 defaults otherwise (max_inflight_messages 20, max_queued_messages 1000).
  await writeFile(
    config,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n`,
  )
  const running = startProcess(binary, ['-c', config])
  await waitUntil(
    async () => {
      const client = await connectAsync(`mqtt://127.0.0.1:${port}`, {
        reconnectPeriod: 0,
        connectTimeout: 1000,
      })
      await client.endAsync()
      return true
    },
    10_000,
    () => `mosquitto did not start: ${running.output()}`,
  )
  return { port, child: running.child }
}

async function startNodeRed(dir: string, env: Record<string, string>) {
  const flow = JSON.parse(await readFile(join(PEER_SOURCES, 'flow.json'), 'utf8')) as {
    id: string
    func?: string
  }[]
  const source = (await readFile(join(PEER_SOURCES, 'function.js'), 'utf8')).replace(
    'export function',
    'function',
  )
  for (const node of flow) {
    if (node.id === 'qt-limits') node.func = `${source}\nreturn limitsNode(msg, node, context, env)\n`
  }
  await writeFile(join(dir, 'flow.json'), JSON.stringify(flow))
  const port = await freePort()
  const running = startProcess(
    process.execPath,
    [
      join(PEER_DIR, 'node_modules', 'node-red', 'red.js'),
      '--settings',
      join(PEER_SOURCES, 'settings.cjs'),
      '--userDir',
      dir,
      'flow.json',
    ],
    { ...env, QT_NODE_RED_PORT: String(port) },
  )
  return { port, child: running.child as ChildProcess, output: running.output }
}

export const peer: Section = {
  id: 'peer',
  title: '4. Peer: the same job in Node-RED',
  async run(ctx) {
    await ensureInstalled(ctx.progress)
    const durationMs = ctx.quick ? 2_000 : 10_000
    const influxd = await ctx.influxd()
    const dir = await mkdtemp(join(tmpdir(), 'quantrac-bench-peer-'))
    const database = `bench_peer_${Date.now()}`
    await createDatabase(influxd.url, database)
    ctx.progress('peer: starting Mosquitto and Node-RED (headless, flow bench/peer/flow.json)')
    const mosquitto = await startMosquitto(dir)
    const nodeRed = await startNodeRed(dir, {
      QT_MQTT_PORT: String(mosquitto.port),
      QT_INFLUX_PORT: new URL(influxd.url).port,
      QT_INFLUX_DB: database,
      QT_LIMITS: JSON.stringify(qcvnLimits()),
    })
    try {
      // Ready means a reading makes it all the way into InfluxDB.
      const warmup = await connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, { reconnectPeriod: 0 })
      try {
        await waitUntil(
          async () => {
            await warmup.publishAsync(
              readingsTopic('peer-warmup', 'warmup-1'),
              JSON.stringify({ factor: 'noise', value: 70, unit: 'dBA' }),
              { qos: 1 },
            )
            await new Promise((resolve) => setTimeout(resolve, 300))
            const body = (await influxQuery(
              influxd.url,
              database,
              `SELECT count("value") FROM "reading" WHERE "facility" = 'peer-warmup'`,
            )) as { results?: { series?: unknown[] }[] }
            return (body.results?.[0]?.series?.length ?? 0) > 0
          },
          60_000,
          () => `Node-RED never stored a reading: ${nodeRed.output()}`,
        )
      } finally {
        await warmup.endAsync()
      }
      const pids = { 'node-red': nodeRed.child.pid, mosquitto: mosquitto.child.pid, influxd: influxd.pid }

      /** Node-RED gives no count of what it holds: poll the store until the count stops moving. */
      async function peerDrained(load: LoadResult): Promise<number> {
        let last = -1
        let lastChangeAt = Date.now()
        const deadline = Date.now() + 60_000
        for (;;) {
          const count = await countReadings(influxd.url, database, load.startMs, load.sendEndMs)
          const now = Date.now()
          if (count >= load.ackedReadings) return now
          if (count !== last) {
            last = count
            lastChangeAt = now
          } else if (now - lastChangeAt > 2_000 || now > deadline) return lastChangeAt
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }

      const runs: OfferedRun[] = []
      for (const offered of offeredLoads(ctx.quick)) {
        ctx.progress(`peer: offering ${formatCount(offered)} readings/s for ${durationMs / 1000} s`)
        const run = await runOffered({
          mqttPort: mosquitto.port,
          fleet: BENCH_FLEET,
          readingsPerSecond: offered,
          durationMs,
          pids,
          drained: peerDrained,
          countStored: (from, to) => countReadings(influxd.url, database, from, to),
          ...PUBLISHERS,
        })
        runs.push(run)
        ctx.progress(
          `peer:   acknowledged ${formatCount(run.load.ackedReadings)} of ${formatCount(run.load.offeredReadings)}, stored ${formatCount(run.stored ?? 0)}, lost ${formatCount(run.lost ?? 0)}`,
        )
      }

      const samples = ctx.quick ? 30 : 1000
      const intervalMs = 50
      ctx.progress(
        `peer: alert latency, ${samples} samples at ${formatCount(LATENCY_BACKGROUND_READINGS_PER_SECOND)} readings/s`,
      )
      const background = await prepareLoad({
        host: '127.0.0.1',
        port: mosquitto.port,
        fleet: BENCH_FLEET,
        readingsPerSecond: LATENCY_BACKGROUND_READINGS_PER_SECOND,
        durationMs: samples * intervalMs + 2_000,
        ...PUBLISHERS,
      })
      const listener = await webSocketAlerts(`ws://127.0.0.1:${nodeRed.port}/ws/alerts`)
      let probe: Awaited<ReturnType<typeof measureAlertLatency>>
      try {
        const backgroundDone = background.run()
        await new Promise((resolve) => setTimeout(resolve, 1_000))
        probe = await measureAlertLatency({
          mqttUrl: `mqtt://127.0.0.1:${mosquitto.port}`,
          listener,
          facilityId: 'bench-lat',
          sensorPrefix: `peer-lat-${Date.now().toString(36)}`,
          samples,
          intervalMs,
          timeoutMs: 2_000,
        })
        await backgroundDone
      } finally {
        await listener.close()
        await background.stop()
      }
      const latency = { ...summarize(probe.latencies), missed: probe.missed }
      const sustainedLoads = runs.filter(sustained).map((run) => run.load.offeredReadingsPerSecond)
      const best = (list: OfferedRun[]) =>
        Math.max(0, ...list.filter((run) => run.lost === 0).map((run) => run.storedPerSecond ?? 0))
      const peerBest = best(runs)
      const figures: PeerFigures = {
        broker: `Mosquitto ${commandVersion('mosquitto', ['-h'])?.replace(/^mosquitto version /, '') ?? ''} (defaults: max_inflight_messages 20, max_queued_messages 1000)`,
        highestSustainedOffered: sustainedLoads.length > 0 ? Math.max(...sustainedLoads) : undefined,
        bestLossless: peerBest,
        lost: tableLoss('peer', runs).lost,
        latency,
      }
      ctx.shared.set('peer', figures)
      const quantrac = ctx.shared.get('end-to-end') as EndToEndFigures | undefined
      const ratio =
        quantrac?.losslessReadingsPerSecond !== undefined && peerBest > 0
          ? quantrac.losslessReadingsPerSecond / peerBest
          : undefined
      ctx.progress(
        `peer:   alert latency p50 ${formatMs(latency.p50)}, p99 ${formatMs(latency.p99)}, missed ${latency.missed}`,
      )

      return {
        summary: [
          `Highest offered load Node-RED sustained (all acknowledged, none lost, store caught up within 1 s): ${figures.highestSustainedOffered === undefined ? 'none' : `${formatCount(figures.highestSustainedOffered)} readings/s`}; best lossless stored rate ${formatCount(peerBest)} readings/s.`,
          `Readings acknowledged by Mosquitto but missing from InfluxDB: ${runs.map((run) => `${formatCount(run.lost ?? 0)} at ${formatCount(run.load.offeredReadingsPerSecond)}/s (${formatPercent((run.stored ?? 0) / Math.max(1, run.load.ackedReadings))} stored)`).join(', ')}.`,
          `Publish-to-alert (WebSocket) at ${formatCount(LATENCY_BACKGROUND_READINGS_PER_SECOND)} readings/s: p50 ${formatMs(latency.p50)}, p99 ${formatMs(latency.p99)}, max ${formatMs(latency.max)} (${latency.count} samples, ${latency.missed} missed).`,
          ratio === undefined
            ? 'quantrac / Node-RED: not computed (quantrac’s end-to-end section did not run or lost readings).'
            : `quantrac / Node-RED, best lossless stored rate: **${ratio.toFixed(2)}×**; alert latency p50 ${formatMs(quantrac?.latency.p50 ?? Number.NaN)} vs ${formatMs(latency.p50)}.`,
        ],
        tables: [
          {
            title:
              'Offered loads (readings; CPU in cores: Node-RED, Mosquitto, influxd, load generators, whole machine)',
            columns: OFFERED_COLUMNS,
            rows: runs.map((run) => offeredRow(run, 'node-red')),
          },
        ],
        notes: [
          'Flow (bench/peer/flow.json, function in bench/peer/function.js): `mqtt in` (QoS 1, parsed JSON) → `function` (checks each reading, applies quantrac’s QCVN ceilings, floors and IDLH, batches 5,000 points or 100 ms like ingest) → `influxdb batch` (InfluxDB 1.x, precision ms); alerts → `websocket out` on /ws/alerts. No zod-grade validation, no exposure evaluation, no alert lifecycle: the peer does less work per reading than quantrac.',
          'Broker: Mosquitto 2.0 in its own process with its defaults (max_inflight_messages 20, max_queued_messages 1000 per client). It acknowledges a publisher’s QoS 1 message once queued, so readings can be acknowledged and still lost downstream: when Node-RED falls behind, Mosquitto drops QoS 1 messages past 1000 queued for it, and Node-RED acknowledges what it receives before the flow has stored it.',
          'Alert latency here is publish → Node-RED → WebSocket, one hop shorter than quantrac’s (which goes through an MQTT hop to the API and its socket.io relay).',
        ],
        data: { runs, latency, latencySamplesMs: probe.latencies, ratio, database },
      }
    } finally {
      await stopProcess(nodeRed.child)
      await stopProcess(mosquitto.child)
      await rm(dir, { recursive: true, force: true })
    }
  },
}
