import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { gatherCoverage } from '../../api/routes/api/v1/reports/gather.ts'
import { coverageReport } from '../../core/coverage/evaluate.ts'
import { parsePeriod } from '../../core/coverage/period.ts'
import { DEFAULT_COVERAGE_RULES } from '../../core/coverage/rules.ts'
import { workingWeights } from '../../core/coverage/working-hours.ts'
import { resolveProvince } from '../../core/provinces/index.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import { backfillAlerts, backfillReadings, planBackfill, runBackfill } from '../../simulators/backfill.ts'
import { progressLine, runBackfillCli } from '../../simulators/backfill-cli.ts'
import { SECTOR_IDS } from '../../simulators/sectors.ts'
import { createSqliteStore } from '../../store/sqlite/store.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const until = Date.parse('2026-11-23T00:00:00+07:00')
const options = { years: 3, facilities: 200, seed: 7, until }
const start = until - 3 * 365 * DAY

describe('planBackfill', () => {
  const plan = planBackfill(options)

  it('is the same for the same seed, and another for another', () => {
    expect(planBackfill(options)).toEqual(plan)
    expect(planBackfill({ ...options, seed: 8 })).not.toEqual(plan)
  })

  it('spreads facilities over every sector and many of the 34 provinces, with ids apart from the demo', () => {
    expect(plan[0]?.facility.id).toBe('bf-0001')
    expect(new Set(plan.map((p) => p.facility.sector))).toEqual(new Set(SECTOR_IDS))
    const provinces = new Set(plan.map((p) => p.facility.province))
    expect(provinces.size).toBeGreaterThan(15)
    for (const province of provinces) expect(resolveProvince(province)?.matchedBy).toBe('current')
    expect(planBackfill({ ...options, facilities: 2, prefix: 'x' }).map((p) => p.facility.id)).toEqual([
      'x-0001',
      'x-0002',
    ])
  })

  it('lets facilities join monitoring over time, and leaves some out', () => {
    const fromStart = plan.filter((p) => p.joinedAt === start).length
    const later = plan.filter((p) => p.joinedAt !== undefined && p.joinedAt > start).length
    const never = plan.filter((p) => p.joinedAt === undefined && p.facility.hazards.length > 0).length
    const noHazards = plan.filter((p) => p.facility.hazards.length === 0).length
    expect(fromStart).toBeGreaterThan(50)
    expect(later).toBeGreaterThan(50)
    expect(never).toBeGreaterThan(10)
    expect(noHazards).toBeGreaterThan(3)
  })

  it('gives some facilities outages, a lapsed calibration or a hazard without a sensor', () => {
    expect(plan.filter((p) => p.sensors.some((s) => s.gaps.length > 0)).length).toBeGreaterThan(20)
    expect(plan.filter((p) => p.sensors.some((s) => s.calibrationDue < until)).length).toBeGreaterThan(5)
    const missing = plan.filter((p) => p.missingFactor !== undefined)
    expect(missing.length).toBeGreaterThan(3)
    for (const p of missing) {
      expect(p.facility.hazards).toContain(p.missingFactor)
      expect(p.sensors.flatMap((s) => s.spec.factors)).not.toContain(p.missingFactor)
    }
  })

  it('keeps every sensor in calibration otherwise, due a year after it was calibrated', () => {
    for (const sensor of plan.flatMap((p) => p.sensors)) {
      expect(sensor.calibrationDue - sensor.calibratedAt).toBeLessThanOrEqual(365 * DAY)
    }
  })

  it('refuses sizes out of range', () => {
    expect(() => planBackfill({ ...options, years: 0 })).toThrow(RangeError)
    expect(() => planBackfill({ ...options, facilities: 10_001 })).toThrow(RangeError)
  })
})

describe('backfillReadings', () => {
  const plan = planBackfill(options)
  const window = { from: until - 30 * DAY, to: until, seed: 7 }
  const garment = plan.find((p) => p.facility.sector === 'garment' && p.joinedAt === start)!

  it('reads once an hour in working hours only, every factor of the sensor', () => {
    const sensor = garment.sensors[0]!
    const readings = [...backfillReadings(garment, sensor, window)]
    const weights = workingWeights(garment.facility.shifts, 8)
    for (const r of readings) {
      expect(weights[Math.floor(r.time / HOUR) % 24]).toBeGreaterThan(0)
      expect(r.time).toBeGreaterThanOrEqual(window.from)
      expect(r.time).toBeLessThan(window.to)
    }
    const hours = new Set(readings.map((r) => Math.floor(r.time / HOUR)))
    expect(readings).toHaveLength(hours.size * sensor.spec.factors.length)
    // A 07:30 shift of 8 hours touches 9 clock hours a day.
    expect(hours.size).toBe(30 * 9)
  })

  it('is silent during outages and before the sensor is installed', () => {
    const sensor = {
      ...garment.sensors[0]!,
      gaps: [[until - 20 * DAY, until - 10 * DAY]] as [number, number][],
    }
    const readings = [...backfillReadings(garment, sensor, window)]
    expect(readings.some((r) => r.time >= until - 20 * DAY && r.time < until - 10 * DAY)).toBe(false)
    const late = { ...garment.sensors[0]!, installedAt: until - 5 * DAY }
    expect(
      Math.min(...[...backfillReadings(garment, late, window)].map((r) => r.time)),
    ).toBeGreaterThanOrEqual(until - 5 * DAY)
  })

  it('gives plausible values', () => {
    const noise = [...backfillReadings(garment, garment.sensors[0]!, window)].filter(
      (r) => r.factor === 'noise',
    )
    expect(noise.length).toBeGreaterThan(0)
    for (const r of noise) {
      expect(r.value).toBeGreaterThan(30)
      expect(r.value).toBeLessThan(130)
    }
  })
})

describe('backfillAlerts', () => {
  it('raises TWA and STEL alarms above their limits while the facility is monitored', () => {
    const plan = planBackfill(options)
    const alerts = plan.flatMap((p) => backfillAlerts(p, { from: start, to: until, seed: 7 }))
    expect(alerts.length).toBeGreaterThan(100)
    for (const a of alerts) {
      expect(['twa', 'stel']).toContain(a.kind)
      expect(['alarm', 'critical']).toContain(a.level)
      expect(a.value).toBeGreaterThan(a.limit)
      expect(a.openedAt).toBeGreaterThanOrEqual(plan.find((p) => p.facility.id === a.facilityId)!.joinedAt!)
    }
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length)
  })
})

describe('runBackfill', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('writes a history whose coverage report grows, with shortfalls and exceedances', async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-backfill-'))
    const registry = openSqliteRegistry(join(dir, 'registry.sqlite'))
    const store = createSqliteStore(join(dir, 'timeseries.sqlite'))
    const seen: number[] = []
    const result = await runBackfill({
      years: 2,
      facilities: 16,
      seed: 3,
      until,
      registry,
      store,
      onProgress: (p) => seen.push(p.facilitiesDone),
    })
    expect(result.facilitiesDone).toBe(16)
    expect(result.readings).toBeGreaterThan(50_000)
    expect(seen.at(-1)).toBe(16)
    expect((await registry.listFacilities({ limit: 1, offset: 0 })).total).toBe(16)
    const sensor = (await registry.listSensors({ limit: 1, offset: 0 })).items[0]!
    expect(sensor.hasCredentials).toBe(false)

    const period = parsePeriod('2025')
    const inputs = await gatherCoverage({ registry, store, alerts: registry }, { period, asOf: until })
    const report = coverageReport({ period, asOf: until, rules: DEFAULT_COVERAGE_RULES, ...inputs })
    expect(report.monitoredFacilities).toBeGreaterThan(report.previousPeriod.monitoredFacilities)
    expect(report.exceedances.length).toBeGreaterThan(0)
    const codes = new Set(report.shortfalls.flatMap((s) => s.reasons.map((r) => r.code)))
    expect(codes).toContain('no-sensor')
    // Campaigns count facilities beside the sensors; alarms in zones give workers to examine.
    expect(result.campaigns).toBeGreaterThan(0)
    expect(report.monitoredBySource.campaign + report.monitoredBySource.both).toBeGreaterThan(0)
    expect(report.exposedWorkers).toBeGreaterThan(0)
    expect(report.facilitiesRegisteredLater).toBe(0)

    // Again with the same options: the registry is updated in place.
    await runBackfill({ years: 1, facilities: 16, seed: 3, until, registry, store })
    expect((await registry.listFacilities({ limit: 1, offset: 0 })).total).toBe(16)
    await store.close()
    registry.close()
  }, 60_000)
})

describe('quantrac backfill', () => {
  function io() {
    const written: string[] = []
    let now = 0
    return {
      written,
      io: {
        env: {},
        stderr: { write: (text: string) => written.push(text), isTTY: false },
        now: () => (now += 1000),
      },
    }
  }

  it('draws a progress bar', () => {
    expect(
      progressLine(
        { facilitiesDone: 100, facilities: 200, readings: 3_200_000, alerts: 150, campaigns: 40 },
        12_000,
      ),
    ).toBe(
      '[###############---------------]  50% 100/200 facilities · 3.2M readings · 150 alerts · 40 campaigns · 12 s',
    )
  })

  it('refuses bad arguments with exit code 2', async () => {
    const { io: cli, written } = io()
    expect(await runBackfillCli(['--years', '11'], cli)).toBe(2)
    expect(written.join('')).toMatch(/--years: Too big/)
    expect(await runBackfillCli(['--nope'], cli)).toBe(2)
  })

  it('prints its usage with --help', async () => {
    const { io: cli, written } = io()
    expect(await runBackfillCli(['--help'], cli)).toBe(0)
    expect(written.join('')).toMatch(/usage: quantrac backfill/)
  })

  it('backfills into the storage it opens and reports progress on stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quantrac-backfill-cli-'))
    try {
      const { io: cli, written } = io()
      const code = await runBackfillCli(
        ['--years', '1', '--facilities', '3', '--until', '2026-11-23T00:00:00+07:00'],
        {
          ...cli,
          env: { QUANTRAC_DATA_DIR: dir },
        },
      )
      expect(code).toBe(0)
      const text = written.join('')
      expect(text).toMatch(/3 facilities × 1 years up to 2026-11-22T17:00:00.000Z into the sqlite store/)
      expect(text).toMatch(/100% 3\/3 facilities/)
      const registry = openSqliteRegistry(join(dir, 'registry.sqlite'))
      expect((await registry.listFacilities({ limit: 10, offset: 0 })).total).toBe(3)
      registry.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
