import { loadavg } from 'node:os'
import { pino } from 'pino'
import { PARTITION_COUNT, partitionOf } from '../../core/partitions.ts'
import { openPostgresRegistry } from '../../registry/postgres/registry.ts'
import type { PartitionLeaseRepository } from '../../registry/types.ts'
import { generateFleet } from '../../simulators/fleet.ts'
import { startMosquitto } from '../../test/support/mosquitto.ts'
import { postgresBinaries, startPostgres } from '../../test/support/postgres.ts'
import { findOnPath } from '../../test/support/processes.ts'
import type { BenchContext, SharedInfluxd } from '../lib/context.ts'
import { registerFleet } from '../lib/fleet-registration.ts'
import { countReadings, createDatabase, settledCount, storeCaughtUp } from '../lib/influx.ts'
import { type IngestWorker, startIngestWorker } from '../lib/ingest-worker.ts'
import { leasesSettle } from '../lib/leases.ts'
import { childPidsNamed } from '../lib/machine.ts'
import { OFFERED_COLUMNS, type OfferedRun, offeredRow, runOffered, sustained } from '../lib/runs.ts'
import { PUBLISHERS, type Section, type SectionBody, STORE_BATCH } from '../lib/section.ts'
import { formatBytes, formatCount, formatMs } from '../lib/stats.ts'
import { SATURATING_READINGS_PER_SECOND } from './end-to-end.ts'

/** 6,000 sensors in 2,000 facilities: every one of the 256 partitions gets some (about 8 facilities each). */
const PARTITIONED_FLEET = { facilities: 2_000, sensorsPerFacility: 3, seed: 1 }
/** Short, so that a takeover fits in a short run; production's default is 15 s. */
const LEASE_MS = 5_000
const TAKEOVER_READINGS_PER_SECOND = 10_000
/** Into the takeover run, the second worker is killed this long after the publishers start. */
const KILL_AFTER_MS = 2_000
/** A run's store that has not grown for this long is taken as drained: what comes later counts as late. */
const STALL_MS = 10_000

function offeredLoads(quick: boolean): number[] {
  return quick ? [5_000, 20_000] : [5_000, 10_000, 20_000, 30_000, 40_000]
}

interface Deployment {
  /** How the report names it. */
  name: string
  partitioned: boolean
  clientIds: string[]
}

const DEPLOYMENTS: Deployment[] = [
  {
    name: 'one unpartitioned worker (acknowledges once in its spool)',
    partitioned: false,
    clientIds: ['quantrac-ingest'],
  },
  {
    name: 'one partitioned worker (acknowledges once in the store)',
    partitioned: true,
    clientIds: ['quantrac-ingest-a'],
  },
  {
    name: 'two partitioned workers',
    partitioned: true,
    clientIds: ['quantrac-ingest-a', 'quantrac-ingest-b'],
  },
]

interface DeploymentResult {
  deployment: Deployment
  runs: OfferedRun[]
  /** From the second worker's start to an even split of the leases, when there is a second worker. */
  rebalanceMs?: number
  takeover?: { run: OfferedRun; takeoverMs: number }
  /**
   * Each run's stored count once the store had stopped growing at the end of the deployment (its runs,
   * then the takeover run): what came after a run's store stalled for STALL_MS is late, not lost.
   */
  storedAtEnd: number[]
  /** What the workers logged at warn or above. */
  warnings: string[]
  /** Why the deployment's measurements stopped early, if they did: what was measured before stays. */
  error?: string
}

interface Stack {
  ctx: BenchContext
  mosquittoPath: string
  influxd: SharedInfluxd
  database: string
  registryUrl: string
  leases: Pick<PartitionLeaseRepository, 'listLeases'>
  durationMs: number
}

/** Fair shares of the partitions, by worker id. */
function shares(clientIds: readonly string[]): Record<string, number> {
  return Object.fromEntries(clientIds.map((id) => [id, PARTITION_COUNT / clientIds.length]))
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
}

/** Mosquitto, the deployment's workers, its offered loads and, with two workers, one killed mid-run. */
async function measureDeployment(stack: Stack, deployment: Deployment): Promise<DeploymentResult> {
  const { ctx, influxd, database } = stack
  // A broker of its own: an earlier deployment's sessions would go on queueing what this one is sent.
  const mosquitto = await startMosquitto(stack.mosquittoPath, [
    'max_queued_messages 0',
    'max_inflight_messages 0',
  ])
  const mosquittoPid = childPidsNamed(process.pid, 'mosquitto').at(-1)
  const env: Record<string, string> = {
    QUANTRAC_MQTT_URL: mosquitto.url,
    QUANTRAC_REGISTRY_URL: stack.registryUrl,
    QUANTRAC_INFLUX_URL: influxd.url,
    QUANTRAC_INFLUX_DATABASE: database,
    QUANTRAC_BATCH_SIZE: String(STORE_BATCH.size),
    QUANTRAC_FLUSH_INTERVAL_MS: String(STORE_BATCH.flushMs),
    QUANTRAC_HTTP_PORT: '0',
    ...(deployment.partitioned
      ? { QUANTRAC_INGEST_PARTITIONED: 'true', QUANTRAC_INGEST_LEASE_MS: String(LEASE_MS) }
      : {}),
  }
  const workers: IngestWorker[] = []
  const result: DeploymentResult = { deployment, runs: [], storedAtEnd: [], warnings: [] }

  const offeredRun = (
    readingsPerSecond: number,
    durationMs: number,
    stallMs: number,
    onLoadStart?: (startMs: number) => void,
  ) =>
    runOffered({
      mqttPort: Number(new URL(mosquitto.url).port),
      fleet: PARTITIONED_FLEET,
      readingsPerSecond,
      durationMs,
      pids: {
        mosquitto: mosquittoPid,
        ...Object.fromEntries(workers.map((w) => [w.clientId.replace('quantrac-', ''), w.pid])),
        influxd: influxd.pid,
      },
      drained: (load) =>
        storeCaughtUp(() => countReadings(influxd.url, database, load.startMs, load.sendEndMs), {
          expected: load.ackedReadings,
          stallMs,
          timeoutMs: 300_000,
        }),
      countStored: (from, to) => countReadings(influxd.url, database, from, to),
      countRejected: async () => {
        let total = 0
        for (const worker of workers) total += (await worker.rejected()) ?? 0
        return total
      },
      onLoadStart,
      ...PUBLISHERS,
    })

  try {
    ctx.progress(`partitioned: ${deployment.name}: starting ${deployment.clientIds.join(', ')}`)
    for (const [i, clientId] of deployment.clientIds.entries()) {
      const startedAt = Date.now()
      workers.push(await startIngestWorker({ clientId, env }))
      if (!deployment.partitioned) continue
      const settledAt = await leasesSettle(
        stack.leases,
        shares(deployment.clientIds.slice(0, i + 1)),
        120_000,
      )
      if (i > 0) result.rebalanceMs = settledAt - startedAt
    }
    if (result.rebalanceMs !== undefined)
      ctx.progress(
        `partitioned:   leases split evenly ${formatMs(result.rebalanceMs, 0)} after the second worker started`,
      )

    for (const offered of [...offeredLoads(ctx.quick), SATURATING_READINGS_PER_SECOND]) {
      ctx.progress(
        `partitioned:   offering ${formatCount(offered)} readings/s for ${stack.durationMs / 1000} s`,
      )
      const run = await offeredRun(offered, stack.durationMs, STALL_MS)
      result.runs.push(run)
      ctx.progress(
        `partitioned:     acknowledged ${formatCount(run.load.ackedReadings)}, stored ${formatCount(run.stored ?? 0)}, lost ${formatCount(run.lost ?? 0)}, ${formatCount(run.storedPerSecond ?? 0)} stored/s, lag ${formatMs(run.drainLagMs ?? Number.NaN, 0)}`,
      )
    }

    if (workers.length === 2) {
      const [survivor, victim] = workers as [IngestWorker, IngestWorker]
      const runMs = ctx.quick ? 10_000 : 20_000
      ctx.progress(
        `partitioned:   takeover: ${formatCount(TAKEOVER_READINGS_PER_SECOND)} readings/s for ${runMs / 1000} s, ${victim.clientId} SIGKILLed and its data directory removed ${KILL_AFTER_MS / 1000} s in`,
      )
      let takenOver: Promise<number> | undefined
      const killAndWait = async () => {
        await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS))
        const killedAt = Date.now()
        await victim.kill()
        const settledAt = await leasesSettle(
          stack.leases,
          { [survivor.clientId]: PARTITION_COUNT },
          LEASE_MS * 10,
        )
        return settledAt - killedAt
      }
      // Long enough without growth for the partitions' lease to run out and their sessions to be taken again.
      const run = await offeredRun(TAKEOVER_READINGS_PER_SECOND, runMs, LEASE_MS * 3, () => {
        takenOver = killAndWait()
        takenOver.catch(() => {})
      })
      if (takenOver === undefined) throw new Error('the takeover run never started its load')
      result.takeover = { run, takeoverMs: await takenOver }
      ctx.progress(
        `partitioned:     taken over ${formatMs(result.takeover.takeoverMs, 0)} after the kill; acknowledged ${formatCount(run.load.ackedReadings)}, stored ${formatCount(run.stored ?? 0)}, lost ${formatCount(run.lost ?? 0)}`,
      )
    }
    await recountAtEnd(stack, result)
  } catch (err) {
    // A deployment that fails is a result: the next one runs on a broker and workers of its own.
    result.error = (err as Error).message
    ctx.progress(`partitioned:   failed: ${(err as Error).stack ?? err}`)
  } finally {
    for (const worker of workers) {
      result.warnings.push(...worker.warnings().map((line) => `${worker.clientId}: ${line.slice(0, 3000)}`))
      await worker.stop()
    }
    await mosquitto.stop()
  }
  if (result.warnings.length > 0)
    ctx.progress(
      `partitioned:   the workers logged ${result.warnings.length} warnings; the first: ${result.warnings[0]}`,
    )
  return result
}

/** Once the store has stopped growing for all the deployment's runs together, each run's count again. */
async function recountAtEnd(stack: Stack, result: DeploymentResult): Promise<void> {
  const runs = allRuns(result)
  const count = (run: OfferedRun) =>
    countReadings(stack.influxd.url, stack.database, run.load.startMs, run.load.sendEndMs)
  const total = async () => (await Promise.all(runs.map(count))).reduce((a, b) => a + b, 0)
  const expected = runs.reduce((sum, run) => sum + run.load.ackedReadings, 0)
  await settledCount(total, { settleMs: 5_000, timeoutMs: 120_000, expected })
  result.storedAtEnd = await Promise.all(runs.map(count))
}

function allRuns(result: DeploymentResult): OfferedRun[] {
  return [...result.runs, ...(result.takeover ? [result.takeover.run] : [])]
}

/** Stored after the run was taken as drained, and still missing at the end of the deployment. */
function lateAndLost(result: DeploymentResult, run: OfferedRun): { late?: number; lost?: number } {
  const storedAtEnd = result.storedAtEnd[allRuns(result).indexOf(run)]
  if (storedAtEnd === undefined) return {}
  return { late: storedAtEnd - (run.stored ?? 0), lost: Math.max(0, run.load.ackedReadings - storedAtEnd) }
}

function report(
  results: DeploymentResult[],
  conditions: { loadAtStart: string; loadAtEnd: string; partitionsCovered: number; sensors: number },
): SectionBody {
  const saturatedOf = (result: DeploymentResult) =>
    result.runs.find((run) => run.load.offeredReadingsPerSecond === SATURATING_READINGS_PER_SECOND)
  const lostOf = (result: DeploymentResult) =>
    allRuns(result).reduce((sum, run) => sum + (lateAndLost(result, run).lost ?? run.lost ?? 0), 0)
  const lateCell = (result: DeploymentResult, run: OfferedRun) => {
    const { late, lost } = lateAndLost(result, run)
    return late === undefined ? '–' : `${formatCount(late)} / ${formatCount(lost ?? 0)}`
  }
  const highestSustained = (result: DeploymentResult) => {
    const loads = result.runs
      .filter((run) => run !== saturatedOf(result) && sustained(run))
      .map((run) => run.load.offeredReadingsPerSecond)
    return loads.length === 0 ? undefined : Math.max(...loads)
  }
  const workerCores = (run: OfferedRun | undefined) =>
    run === undefined
      ? '–'
      : Object.entries(run.cores)
          .filter(([name]) => name.startsWith('ingest'))
          .map(([name, cores]) => `${name} ${cores.toFixed(2)}`)
          .join(', ')
  const takeover = results.find((r) => r.takeover !== undefined)
  return {
    summary: [
      `${formatCount(conditions.sensors)} sensors in ${formatCount(PARTITIONED_FLEET.facilities)} facilities, covering ${conditions.partitionsCovered} of ${PARTITION_COUNT} partitions; Mosquitto with \`max_queued_messages 0\` and \`max_inflight_messages 0\`, the registry and the leases in PostgreSQL 15 (fsync off), InfluxDB 1.x; every worker a \`quantrac ingest\` process.`,
      ...results.map((result) => {
        const saturated = saturatedOf(result)
        return `${result.deployment.name}: saturated **${formatCount(saturated?.storedPerSecond ?? Number.NaN)} readings/s stored**, highest fixed load sustained ${highestSustained(result) === undefined ? 'none' : `${formatCount(highestSustained(result) as number)} readings/s`}, lost **${formatCount(lostOf(result))}**.`
      }),
      ...(takeover?.takeover
        ? [
            `A SIGKILLed worker's partitions (its data directory removed) held by the other **${formatMs(takeover.takeover.takeoverMs, 0)}** after the kill, lease ${formatMs(LEASE_MS, 0)}; over that run ${formatCount(takeover.takeover.run.load.ackedReadings)} readings acknowledged by Mosquitto, ${formatCount(lateAndLost(takeover, takeover.takeover.run).lost ?? takeover.takeover.run.lost ?? 0)} lost. A second worker joining: leases split evenly ${formatMs(takeover.rebalanceMs ?? Number.NaN, 0)} after it started.`,
          ]
        : []),
      ...results.flatMap((result) =>
        result.error === undefined
          ? []
          : [`${result.deployment.name}: **stopped early**: ${result.error.split('\n')[0]}`],
      ),
      `Load average (1, 5, 15 min) ${conditions.loadAtStart} at the start of the section, ${conditions.loadAtEnd} at its end.`,
    ],
    tables: [
      {
        title: 'Saturated, side by side',
        columns: [
          'deployment',
          'stored r/s',
          'acked by Mosquitto r/s',
          'lost',
          'workers’ CPU (cores)',
          'machine busy',
          'worker RSS',
        ],
        rows: results.map((result) => {
          const run = saturatedOf(result)
          return [
            result.deployment.name,
            formatCount(run?.storedPerSecond ?? Number.NaN),
            formatCount(run?.load.ackedPerSecond ?? Number.NaN),
            formatCount(
              run === undefined ? Number.NaN : (lateAndLost(result, run).lost ?? run.lost ?? Number.NaN),
            ),
            workerCores(run),
            run === undefined ? '–' : run.machineBusyCores.toFixed(2),
            run === undefined
              ? '–'
              : Object.entries(run.rss)
                  .filter(([name]) => name.startsWith('ingest'))
                  .map(([name, bytes]) => `${name} ${formatBytes(bytes)}`)
                  .join(', '),
          ]
        }),
      },
      ...results.map((result) => ({
        title: `${result.deployment.name} (CPU in cores: Mosquitto, each worker, influxd, load generators, whole machine)`,
        columns: [...OFFERED_COLUMNS, 'late / lost at the end'],
        rows: [
          ...result.runs.map((run) => [
            ...offeredRow(run, result.deployment.clientIds[0]!.replace('quantrac-', '')),
            lateCell(result, run),
          ]),
          ...(result.takeover
            ? [
                [
                  ...offeredRow(result.takeover.run, 'ingest-a').map((cell, i) =>
                    i === 0 ? `${cell} (kill)` : cell,
                  ),
                  lateCell(result, result.takeover.run),
                ],
              ]
            : []),
        ],
      })),
    ],
    notes: [
      `*acknowledged* is what Mosquitto PUBACKed to the publishers: it acknowledges on receipt, whatever ingest does, and queues for ingest\u2019s persistent sessions without limit; *stored* is \`SELECT count(value) FROM reading\` over the run\u2019s reading times; *lost* = acknowledged \u2212 stored (refused messages included); a run whose store has not grown for ${STALL_MS / 1000} s is taken as drained, and *late / lost at the end* counts its readings again once the store has stopped growing at the end of the deployment: stored since, and missing still (the summary\u2019s and the side-by-side *lost*). *stored r/s* runs from the first publish to the moment InfluxDB held every acknowledged reading (polled every 200 ms); *store lag* is how long after the last PUBACK that was. Past what ingest takes, the backlog waits in Mosquitto and drains after the publishers stop: the saturated row is the drain rate, and *PUBACK* times are Mosquitto\u2019s alone.`,
      `The unpartitioned worker acknowledges a message to Mosquitto once it is in its local spool (group commit, QUANTRAC_SPOOL_COMMIT_MS 20 ms); a partitioned worker once its readings are in InfluxDB (batches of ${formatCount(STORE_BATCH.size)} readings or ${STORE_BATCH.flushMs} ms), one MQTT session per partition (client id \`quantrac-ingest-pNNN\`), so a worker whose disk is gone loses nothing acknowledged.`,
      `Takeover row: ${formatCount(TAKEOVER_READINGS_PER_SECOND)} readings/s offered, the second worker SIGKILLed ${KILL_AFTER_MS / 1000} s in and its data directory removed; its partitions\u2019 sessions queue in Mosquitto until their leases (QUANTRAC_INGEST_LEASE_MS ${LEASE_MS}) run out and the survivor claims them (it checks every third of a lease), connects with the same client ids and takes what was not acknowledged. Takeover time is from the kill to the survivor holding all ${PARTITION_COUNT} leases.`,
      ...results.flatMap((result) =>
        result.warnings.length === 0
          ? []
          : [
              `${result.deployment.name}: the workers logged ${result.warnings.length} lines at warn or above; the first: \`${result.warnings[0]}\``,
            ],
      ),
      'What bounds these figures: one machine of 2 cores shared by Mosquitto, one or two ingest workers, influxd, PostgreSQL, the two load-generator processes and the bench itself (and, on a shared machine, other people\u2019s work: compare *machine* with the sum of ours, and see the load average). Two workers here compete for the same two cores as everything else; they show that the partitions share out and that nothing is lost, not how far workers on machines of their own would scale.',
    ],
    losses: results.map((result) => ({
      table: `partitioned: ${result.deployment.name}`,
      acknowledged: allRuns(result).reduce((sum, run) => sum + run.load.ackedReadings, 0),
      lost: lostOf(result),
    })),
    data: { results, conditions, leaseMs: LEASE_MS, fleet: PARTITIONED_FLEET },
  }
}

export const partitioned: Section = {
  id: 'partitioned',
  title: '8. Partitioned ingest on Mosquitto: one and two `quantrac ingest` workers (#20)',
  async run(ctx) {
    if (postgresBinaries() === undefined) throw new Error('PostgreSQL not found in /usr/lib/postgresql')
    const mosquittoPath = findOnPath('mosquitto') ?? '/usr/sbin/mosquitto'
    const loadAtStart = loadAverage()
    const influxd = await ctx.influxd()
    const database = `quantrac_bench_partitioned_${Date.now()}`
    await createDatabase(influxd.url, database)
    ctx.progress('partitioned: starting PostgreSQL for the registry and the leases')
    const postgres = await startPostgres()
    try {
      const registryUrl = await postgres.createDatabase()
      const registry = await openPostgresRegistry({
        url: registryUrl,
        poolSize: 2,
        log: pino({ level: 'silent' }),
      })
      try {
        const registering = performance.now()
        const sensors = await registerFleet(registry, PARTITIONED_FLEET)
        const facilityIds = generateFleet(PARTITIONED_FLEET).facilities.map((f) => f.id)
        const partitionsCovered = new Set(facilityIds.map(partitionOf)).size
        ctx.progress(
          `partitioned: registered ${formatCount(sensors)} sensors in ${formatCount(facilityIds.length)} facilities (${partitionsCovered} of ${PARTITION_COUNT} partitions) in ${formatMs(performance.now() - registering, 0)}`,
        )
        const stack: Stack = {
          ctx,
          mosquittoPath,
          influxd,
          database,
          registryUrl,
          leases: registry,
          durationMs: ctx.quick ? 2_000 : 10_000,
        }
        const results: DeploymentResult[] = []
        for (const deployment of DEPLOYMENTS) results.push(await measureDeployment(stack, deployment))
        return report(results, { loadAtStart, loadAtEnd: loadAverage(), partitionsCovered, sensors })
      } finally {
        await registry.close()
      }
    } finally {
      await postgres.stop()
    }
  },
}
