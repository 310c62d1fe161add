/**
 * Scale section, its first table: memory per idle MQTT connection of quantrac's broker beside bare aedes
 * and a raw socket server, each alone in its own process (lib/idle-memory.ts), at 10,000 and 100,000
 * connections where this machine allows them, and whether quantrac meets issue #21's goal.
 */
import type { BenchContext } from '../lib/context.ts'
import { type IdleMemory, largestIdleCount, measureIdleMemory, openFileLimit } from '../lib/idle-memory.ts'
import type { IdleServerGc, IdleServerMode } from '../lib/idle-memory-server.ts'
import { formatBytes, formatCount, formatMs } from '../lib/stats.ts'

/** Issue #21: RSS per idle MQTT 3.1.1 connection at 10,000 idle connections, after a GC. */
export const IDLE_CONNECTION_GOAL = { bytes: 10 * 1024, connections: 10_000 } as const

/**
 * One semi-space of 1 MB instead of V8's default (up to 64 MB here): the young generation a connect burst
 * grows stays resident afterwards, 128 MB at the default.
 */
export const CAPPED_YOUNG_GENERATION = '--max-semi-space-size=1'

interface Server {
  label: string
  mode: IdleServerMode
  nodeFlags?: string[]
  gc?: IdleServerGc
  /** Also measures what a QoS 1 load costs its CPU, the idle connections open. */
  loaded?: boolean
  /** Measured in the full run only. */
  fullOnly?: boolean
}

const QUANTRAC: Server = {
  label: "quantrac's broker (broker/server.ts, its hooks)",
  mode: 'quantrac',
  loaded: true,
}
const QUANTRAC_CAPPED: Server = {
  label: `quantrac's broker, young generation capped (${CAPPED_YOUNG_GENERATION})`,
  mode: 'quantrac',
  nodeFlags: [CAPPED_YOUNG_GENERATION],
  loaded: true,
}

/**
 * Below what one broker acknowledges here (~70,000 messages/s of ~2 readings), so the runs do the same
 * work and their CPU per message compares.
 */
const LOAD = { readingsPerSecond: 40_000, durationMs: 8_000 } as const
const QUICK_LOAD = { readingsPerSecond: 20_000, durationMs: 2_000 } as const

const SERVERS: Server[] = [
  { label: 'raw net server (CONNACK only)', mode: 'net' },
  { label: 'bare aedes (default options)', mode: 'aedes' },
  {
    label: 'bare aedes, parser on a plain BufferList (bench/mqtt-packet-bufferlist.patch)',
    mode: 'aedes-bufferlist',
    fullOnly: true,
  },
  {
    label: 'bare aedes with both patches offered upstream (also bench/aedes-client-close-listener.patch)',
    mode: 'aedes-patched',
    fullOnly: true,
  },
  QUANTRAC,
  QUANTRAC_CAPPED,
  {
    label: "quantrac's broker, measured after V8's memory-pressure GC (what it can give back)",
    mode: 'quantrac',
    gc: 'memory-pressure',
    fullOnly: true,
  },
]

export interface IdleServersResult {
  rows: string[][]
  /** CPU per 1,000 publishes of the loaded servers: the price of their heap settings. */
  loadRows: string[][]
  measured: (IdleMemory & { label: string })[]
  /** quantrac's broker at the goal's count, as it runs by default, and with its young generation capped. */
  quantrac: IdleMemory['steps'][number] | undefined
  capped: IdleMemory['steps'][number] | undefined
  summary: string
  notes: string[]
}

export const IDLE_SERVER_COLUMNS = [
  'server',
  'connections',
  'RSS',
  'RSS per connection',
  'each since the previous count',
  'heap used per connection',
  'young generation per connection',
]

export const IDLE_SERVER_LOAD_COLUMNS = [
  'server',
  'idle connections open',
  'offered readings/s',
  'messages/s acknowledged',
  'server CPU per 1,000 publishes',
  'PUBACK p50 / p99',
]

export async function measureIdleServers(ctx: BenchContext): Promise<IdleServersResult> {
  const counts = ctx.quick ? [1_000] : [IDLE_CONNECTION_GOAL.connections, 100_000]
  const largest = largestIdleCount()
  const measurable = counts.filter((count) => count <= largest.count)
  // What this machine allows beyond the largest count measurable, so the marginal cost is still measured.
  if (!ctx.quick && measurable.length < counts.length && largest.count > (measurable.at(-1) ?? 0)) {
    measurable.push(Math.floor(largest.count / 1_000) * 1_000)
  }
  const files = openFileLimit()
  const bound =
    largest.boundBy === 'open files'
      ? `one process may open ${formatCount(files?.hard ?? 0)} files here (RLIMIT_NOFILE hard limit; the probe raises its soft limit to it, going higher needs CAP_SYS_RESOURCE)`
      : `every client connects from 127.0.0.1 to one port: ${formatCount(largest.count)} local ports (net.ipv4.ip_local_port_range)`
  const load = ctx.quick ? QUICK_LOAD : LOAD
  const rows: string[][] = []
  const loadRows: string[][] = []
  const measured: IdleServersResult['measured'] = []
  for (const server of SERVERS.filter((s) => !ctx.quick || s.fullOnly !== true)) {
    ctx.progress(`scale: ${server.label}, idle connections up to ${measurable.map(formatCount).join(', ')}`)
    try {
      const result = await measureIdleMemory({
        mode: server.mode,
        counts: measurable,
        nodeFlags: server.nodeFlags,
        gc: server.gc,
        load: server.loaded === true ? load : undefined,
      })
      if (result.load !== undefined) {
        loadRows.push([
          server.label,
          formatCount(result.steps.at(-1)?.connections ?? 0),
          formatCount(load.readingsPerSecond),
          formatCount(Math.round(result.load.ackedMessagesPerSecond)),
          formatMs(result.load.cpuMsPerThousand),
          `${formatMs(result.load.pubackMs.p50)} / ${formatMs(result.load.pubackMs.p99)}`,
        ])
      }
      measured.push({ ...result, label: server.label })
      for (const step of result.steps) {
        rows.push([
          server.label,
          formatCount(step.connections),
          formatBytes(step.memory.rss),
          formatBytes(step.perConnection.rss),
          step.marginalRss === undefined ? '' : formatBytes(step.marginalRss),
          formatBytes(step.perConnection.heapUsed),
          formatBytes(step.perConnection.youngGeneration),
        ])
      }
    } catch (err) {
      rows.push([server.label, '', `failed: ${(err as Error).message}`, '', '', '', ''])
    }
    for (const count of counts.filter((c) => c > largest.count)) {
      rows.push([server.label, formatCount(count), `not run: ${bound}`, '', '', '', ''])
    }
  }
  const atGoal = (server: Server) =>
    measured
      .find((m) => m.label === server.label)
      ?.steps.find((step) => step.connections === IDLE_CONNECTION_GOAL.connections)
  const quantrac = atGoal(QUANTRAC)
  const capped = atGoal(QUANTRAC_CAPPED)
  return {
    rows,
    loadRows,
    measured,
    quantrac,
    capped,
    summary: goalSentence(quantrac, capped),
    notes: [
      [
        'By server: RSS and heap after two forced major GCs, above the same server with no connections, divided by the count; "each since the previous count" is the RSS difference between two counts in the same process, what one more connection costs.',
        ...(counts.some((c) => c > largest.count)
          ? [`Counts above ${formatCount(largest.count)} were not run: ${bound}.`]
          : []),
      ].join(' '),
      [
        'The young generation (V8 new space) grows to its maximum (128 MB by default here) while thousands of clients connect, and its pages stay resident after it shrinks again: a cost per process, which the figure at 10,000 includes. Capping a semi-space at 1 MB keeps it out, for more frequent scavenges under load.',
        ...(ctx.quick
          ? []
          : [
              'The memory-pressure row collects as V8 does near its heap limit (compacting, giving free pages back): what is left is the memory the connections hold live.',
            ]),
      ].join(' '),
    ],
  }
}

function goalSentence(
  quantrac: IdleMemory['steps'][number] | undefined,
  capped: IdleMemory['steps'][number] | undefined,
): string {
  const goal = `≤ ${formatBytes(IDLE_CONNECTION_GOAL.bytes)} RSS per idle connection at ${formatCount(IDLE_CONNECTION_GOAL.connections)} (issue #21)`
  if (quantrac === undefined) return `Goal ${goal}: not measured in this run.`
  const met = (step: IdleMemory['steps'][number]) =>
    step.perConnection.rss <= IDLE_CONNECTION_GOAL.bytes ? 'met' : 'not met'
  return [
    `Goal ${goal}: ${met(quantrac)} as quantrac runs by default, ${formatBytes(quantrac.perConnection.rss)} per connection`,
    ` (${formatBytes(quantrac.perConnection.youngGeneration)} of it the young generation)`,
    capped === undefined
      ? '.'
      : `; ${met(capped)} with ${CAPPED_YOUNG_GENERATION}, ${formatBytes(capped.perConnection.rss)} per connection.`,
  ].join('')
}
