import { describe, expect, it } from 'vitest'
import type { SectionResult } from '../../bench/lib/report.ts'
import { formatCount as n } from '../../bench/lib/stats.ts'
import type { EndToEndFigures } from '../../bench/sections/end-to-end.ts'
import type { PeerFigures } from '../../bench/sections/peer.ts'
import { type BenchFigures, targets } from '../../bench/targets.ts'

const latency = (p50: number, p99: number, max: number) => ({
  count: 1000,
  min: 0.5,
  mean: p50,
  p50,
  p90: p50,
  p99,
  max,
  missed: 0,
})

function e2e(overrides: Partial<EndToEndFigures> = {}): EndToEndFigures {
  return {
    losslessReadingsPerSecond: 80_000,
    highestSustainedOffered: 60_000,
    lostAtAnyLoad: 0,
    failures: [],
    latency: latency(1, 4, 9),
    latencyLoop: { loopDelay: { p99: 3, max: 12 }, gc: { count: 40, totalMs: 80, maxMs: 7, over5ms: 2 } },
    saturatedCores: { quantrac: 0.95, machine: 1.9 },
    ...overrides,
  }
}

const peer = (overrides: Partial<PeerFigures> = {}): PeerFigures => ({
  broker: 'Mosquitto',
  highestSustainedOffered: 25_000,
  bestLossless: 24_000,
  lost: 1_000,
  latency: latency(0.6, 5, 13),
  ...overrides,
})

function section(
  id: SectionResult['id'],
  losses: SectionResult['losses'],
  status: SectionResult['status'] = 'ok',
) {
  return { id, title: id, status, durationMs: 1, summary: [], tables: [], notes: [], data: {}, losses }
}

function all(overrides: Partial<BenchFigures> = {}): BenchFigures {
  return {
    ceiling: { readingsPerSecond: 93_000, messagesPerSecond: 45_000 },
    endToEnd: e2e(),
    peer: peer(),
    scale: { rssPerIdleConnection: 9_000, idleConnections: 10_000, youngGenerationPerIdleConnection: 4_000 },
    notifications: {
      without: latency(1, 4, 8),
      with: latency(1, 5, 9),
      lost: 0,
      duplicates: 0,
    } as unknown as BenchFigures['notifications'],
    startup: {
      sensors: 100_020,
      startMs: 2_000,
      acceptsReadingsMs: 2_050,
      quiet: { max: 8, p99: 3, p50: 1, mean: 1 },
      quietGcMaxMs: 6,
      loaded: { max: 9, p99: 4, p50: 1, mean: 1 },
    },
    cores: 2,
    ...overrides,
  }
}

const byGoal = (checks: ReturnType<typeof targets>, fragment: string) => {
  const check = checks.find((c) => c.goal.includes(fragment))
  if (check === undefined) throw new Error(`no goal with ${fragment}`)
  return check
}

describe('bench targets (issue #21)', () => {
  const sections = [
    section('end-to-end', [{ table: 'end to end', acknowledged: 1_000_000, lost: 0 }]),
    section('scale', [{ table: 'scale', acknowledged: 500_000, lost: 0 }]),
    // The peer's own losses are the peer's: they do not count against quantrac.
    section('peer', [{ table: 'peer', acknowledged: 100, lost: 100 }]),
  ]

  it('meets every goal a good run reaches, with no bound shown', () => {
    const checks = targets(all(), sections)
    expect(checks.map((c) => [c.goal, c.met])).toEqual(checks.map((c) => [c.goal, true]))
    expect(byGoal(checks, 'ceiling').measured).toBe(`${n(80_000)} readings/s = 0.86 × ${n(93_000)}`)
    expect(byGoal(checks, 'Node-RED').measured).toBe(`3.33 × (${n(80_000)} against ${n(24_000)} readings/s)`)
    expect(byGoal(checks, 'every table').measured).toContain(
      `0 of ${n(1_500_000)} acknowledged, over 2 tables`,
    )
  })

  it('says what bounds throughput: one loop busy, or flow control below a core', () => {
    const busy = targets(all({ endToEnd: e2e({ losslessReadingsPerSecond: 55_000 }) }), sections)
    expect(byGoal(busy, 'ceiling')).toMatchObject({ met: false })
    expect(byGoal(busy, 'ceiling').bound).toContain('used 0.95 of a core, the machine 1.90 of 2')
    expect(byGoal(busy, 'Node-RED').met).toBe(false)
    const idle = targets(
      all({
        endToEnd: e2e({ losslessReadingsPerSecond: 55_000, saturatedCores: { quantrac: 0.5, machine: 1.1 } }),
      }),
      sections,
    )
    expect(byGoal(idle, 'ceiling').bound).toContain('flow control')
  })

  it('has no throughput figure when saturation lost readings, and says so', () => {
    const checks = targets(all({ endToEnd: e2e({ losslessReadingsPerSecond: undefined }) }), sections)
    expect(byGoal(checks, 'ceiling')).toMatchObject({ met: false, measured: 'readings lost at saturation' })
  })

  it('compares the alert p99 with the peer and bounds it by the loop over the probe', () => {
    const checks = targets(all({ endToEnd: e2e({ latency: latency(2.8, 13.4, 34) }) }), sections)
    const alert = byGoal(checks, 'publish-to-alert p99 at 5,000')
    expect(alert.met).toBe(false)
    expect(alert.measured).toContain('2.80 ms / 13.40 ms / 34.00 ms against 0.60 ms / 5.00 ms / 13.00 ms')
    expect(alert.bound).toContain('the longest 7.0 ms, 2 over 5 ms')
  })

  it('counts a missed alert as not met even with a good p99', () => {
    const checks = targets(all({ endToEnd: e2e({ latency: { ...latency(1, 2, 3), missed: 1 } }) }), sections)
    expect(byGoal(checks, 'publish-to-alert p99 at 5,000').met).toBe(false)
  })

  it('adds up losses over every table but the peer, and names the tables that lost', () => {
    const losing = [
      ...sections,
      section('partitioned', [{ table: 'partitioned: 2 workers', acknowledged: 10, lost: 3 }]),
    ]
    const check = byGoal(targets(all(), losing), 'every table')
    expect(check.met).toBe(false)
    expect(check.measured).toContain(`3 of ${n(1_500_010)} acknowledged, over 3 tables`)
    expect(check.bound).toContain('partitioned: 2 workers')
  })

  it('does not call losses met when a section failed before counting', () => {
    const check = byGoal(
      targets(all(), [...sections, section('startup', undefined, 'failed')]),
      'every table',
    )
    expect(check.met).toBe(false)
    expect(check.bound).toContain('startup')
  })

  it('leaves a goal unjudged when its section did not run', () => {
    const checks = targets({ cores: 2 }, [])
    expect(checks.every((c) => c.met === undefined && c.measured === '–')).toBe(true)
  })

  it('bounds memory and stalls by what the run measured', () => {
    const checks = targets(
      all({
        scale: {
          rssPerIdleConnection: 22_000,
          idleConnections: 10_000,
          youngGenerationPerIdleConnection: 11_600,
          marginalRssPerIdleConnection: 8_400,
        },
        startup: {
          ...(all().startup as NonNullable<BenchFigures['startup']>),
          quiet: { max: 240, p99: 4, p50: 1, mean: 1 },
          quietGcMaxMs: 230,
        },
      }),
      sections,
    )
    expect(byGoal(checks, 'RSS per idle')).toMatchObject({ met: false })
    expect(byGoal(checks, 'RSS per idle').bound).toContain('young generation')
    expect(byGoal(checks, 'stalls')).toMatchObject({ met: false })
    expect(byGoal(checks, 'stalls').bound).toContain('230.0 ms')
  })
})
