/**
 * The goals the bench is judged by (issue #21, and #16's notifications), each met or not, and for one
 * not met what this run shows bounds it. Pure: the sections' figures in, the report's rows out.
 */
import type { SectionResult, TargetCheck } from './lib/report.ts'
import { formatBytes, formatCount, formatMs } from './lib/stats.ts'
import type { CeilingFigures } from './sections/ceiling.ts'
import type { EndToEndFigures } from './sections/end-to-end.ts'
import type { NotificationFigures } from './sections/notifications.ts'
import type { PeerFigures } from './sections/peer.ts'
import type { ScaleFigures } from './sections/scale.ts'
import { CAPPED_YOUNG_GENERATION, IDLE_CONNECTION_GOAL } from './sections/scale-servers.ts'
import { STALL_GOAL_MS, STARTUP_GOAL_MS, type StartupFigures } from './sections/startup.ts'

export const CEILING_SHARE_GOAL = 0.8
export const PEER_MULTIPLE_GOAL = 3

export interface BenchFigures {
  ceiling?: CeilingFigures
  endToEnd?: EndToEndFigures
  peer?: PeerFigures
  scale?: ScaleFigures
  notifications?: NotificationFigures
  startup?: StartupFigures
  cores: number
}

const ms = (value: number) => formatMs(value)
const triple = (l: { p50: number; p99: number; max: number }) => `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)}`

/** What held the saturated end-to-end run back, from its CPU figures. */
function throughputBound(e2e: EndToEndFigures, cores: number): string {
  const used = e2e.saturatedCores
  if (used?.quantrac === undefined) return 'no CPU figures for the saturated run'
  const loop = `quantrac's process (broker, ingest and API on one event loop) used ${used.quantrac.toFixed(2)} of a core, the machine ${used.machine.toFixed(2)} of ${cores}`
  return used.quantrac >= 0.8
    ? `${loop}: one loop's CPU, the other core taken by influxd and the load generators`
    : `${loop}: below one core, so QoS 1 flow control (a connection is read again once its publishes are acknowledged, after the spool's commit), not CPU`
}

function lossesCheck(sections: SectionResult[]): TargetCheck {
  const tables = sections.filter((s) => s.id !== 'peer').flatMap((s) => s.losses ?? [])
  const failed = sections.filter((s) => s.status === 'failed' && s.id !== 'peer').map((s) => s.id)
  if (tables.length === 0) {
    return { goal: '0 acknowledged readings lost, in every table', measured: '–', met: undefined }
  }
  const lost = tables.reduce((sum, t) => sum + t.lost, 0)
  const acknowledged = tables.reduce((sum, t) => sum + t.acknowledged, 0)
  const losing = tables.filter((t) => t.lost > 0)
  return {
    goal: '0 acknowledged readings lost, in every table',
    measured:
      `${formatCount(lost)} of ${formatCount(acknowledged)} acknowledged, over ${tables.length} table${tables.length === 1 ? '' : 's'} (${tables.map((t) => `${t.table} ${formatCount(t.lost)}`).join('; ')})` +
      (failed.length > 0 ? `; sections that failed: ${failed.join(', ')}` : ''),
    met: lost === 0 && failed.length === 0,
    bound:
      losing.length > 0
        ? `lost in ${losing.map((t) => t.table).join(', ')}: see those tables' *refused msgs* and notes`
        : `sections that failed before counting: ${failed.join(', ')}`,
  }
}

export function targets(figures: BenchFigures, sections: SectionResult[]): TargetCheck[] {
  const { ceiling, endToEnd: e2e, peer, scale, notifications: notifying, startup: starting } = figures
  const lossless = e2e?.losslessReadingsPerSecond
  const share = lossless !== undefined && ceiling ? lossless / ceiling.readingsPerSecond : undefined
  const multiple =
    lossless !== undefined && peer && peer.bestLossless > 0 ? lossless / peer.bestLossless : undefined
  const noFigure = (e2e: EndToEndFigures) =>
    e2e.failures.length > 0 ? `no figure: ${e2e.failures.join('; ')}` : 'readings lost at saturation'
  const loop = e2e?.latencyLoop
  const perConnection = scale?.rssPerIdleConnection
  return [
    {
      goal: `end to end ≥ ${CEILING_SHARE_GOAL} × the raw aedes ceiling, saturated and lossless, same run (#21)`,
      measured:
        e2e === undefined || ceiling === undefined
          ? '–'
          : share === undefined
            ? noFigure(e2e)
            : `${formatCount(lossless as number)} readings/s = ${share.toFixed(2)} × ${formatCount(ceiling.readingsPerSecond)}`,
      met: e2e && ceiling ? share !== undefined && share >= CEILING_SHARE_GOAL : undefined,
      bound: e2e && throughputBound(e2e, figures.cores),
    },
    {
      goal: `end to end ≥ ${PEER_MULTIPLE_GOAL} × Node-RED's best lossless rate, same run (#21)`,
      measured:
        e2e === undefined || peer === undefined
          ? '–'
          : multiple === undefined
            ? lossless === undefined
              ? noFigure(e2e)
              : 'the peer lost readings in every run'
            : `${multiple.toFixed(2)} × (${formatCount(lossless as number)} against ${formatCount(peer.bestLossless)} readings/s)`,
      met: e2e && peer ? multiple !== undefined && multiple >= PEER_MULTIPLE_GOAL : undefined,
      bound:
        e2e &&
        `${throughputBound(e2e, figures.cores)}; the peer does less per reading (no TWA/STEL, no spool, no access control)`,
    },
    {
      goal: "publish-to-alert p99 at 5,000 readings/s no worse than the peer's, none missed (#21)",
      measured:
        e2e === undefined || peer === undefined
          ? '–'
          : `p50 / p99 / max ${triple(e2e.latency)} against ${triple(peer.latency)}; ${e2e.latency.missed} missed`,
      met: e2e && peer ? e2e.latency.p99 <= peer.latency.p99 && e2e.latency.missed === 0 : undefined,
      bound:
        loop === undefined
          ? 'no event-loop figures for the probe'
          : `over the probe quantrac's event loop (broker, ingest, store writes and the API together) was delayed up to ${formatMs(loop.loopDelay.max, 1)}; ${formatCount(loop.gc.count)} garbage collections, the longest ${formatMs(loop.gc.maxMs, 1)}, ${formatCount(loop.gc.over5ms)} over 5 ms; and one hop longer than the peer's (an MQTT hop to the API's relay)`,
    },
    lossesCheck(sections),
    {
      goal: `≤ ${formatBytes(IDLE_CONNECTION_GOAL.bytes)} RSS per idle connected sensor at ${formatCount(IDLE_CONNECTION_GOAL.connections)} (#21)`,
      measured:
        perConnection === undefined || scale === undefined
          ? '–'
          : `${formatBytes(perConnection)} at ${formatCount(scale.idleConnections ?? Number.NaN)}` +
            (scale.cappedRssPerIdleConnection === undefined
              ? ''
              : `; ${formatBytes(scale.cappedRssPerIdleConnection)} with ${CAPPED_YOUNG_GENERATION}`),
      met: perConnection === undefined ? undefined : perConnection <= IDLE_CONNECTION_GOAL.bytes,
      bound:
        scale &&
        [
          scale.youngGenerationPerIdleConnection === undefined
            ? ''
            : `of it ${formatBytes(scale.youngGenerationPerIdleConnection)} is V8's young generation grown while the clients connected (once per process)`,
          scale.marginalRssPerIdleConnection === undefined
            ? ''
            : `each further connection ${formatBytes(scale.marginalRssPerIdleConnection)}, mostly aedes's per-client objects (section 5's table has bare aedes and a raw socket server beside it)`,
        ]
          .filter((part) => part !== '')
          .join('; '),
    },
    {
      goal: 'publish-to-alert p99 ≤ 25 ms with 100 notifications a minute, none lost (#16)',
      measured: notifying
        ? `${ms(notifying.without.p99)} without, ${ms(notifying.with.p99)} with; ${formatCount(notifying.lost)} lost, ${formatCount(notifying.duplicates)} repeats`
        : '–',
      met: notifying
        ? notifying.with.p99 <= 25 &&
          notifying.with.missed === 0 &&
          notifying.lost === 0 &&
          notifying.duplicates === 0
        : undefined,
    },
    {
      goal: `start in < ${STARTUP_GOAL_MS / 1000} s with 100,000 registered sensors (#21)`,
      measured: starting
        ? `first reading taken ${formatMs(starting.acceptsReadingsMs, 0)} after the start began (${formatCount(starting.sensors)} sensors)`
        : '–',
      met: starting ? starting.acceptsReadingsMs < STARTUP_GOAL_MS : undefined,
    },
    {
      goal: `periodic work never stalls the event loop > ${STALL_GOAL_MS} ms at 100,000 sensors (#21)`,
      measured: starting
        ? `worst ${formatMs(starting.quiet.max, 1)} with no readings coming, ${formatMs(starting.loaded.max, 1)} with them (p99 ${formatMs(starting.quiet.p99, 1)}, ${formatMs(starting.loaded.p99, 1)})`
        : '–',
      met: starting ? starting.quiet.max <= STALL_GOAL_MS : undefined,
      bound:
        starting &&
        `the longest garbage collection of the quiet window took ${formatMs(starting.quietGcMaxMs, 1)} (V8 collecting a heap with every sensor's evaluators); section 7's table has each second's worst`,
    },
  ]
}
