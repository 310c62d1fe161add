import { describe, expect, it } from 'vitest'
import { coverageReport, PeriodNotStartedError, reportWindows } from '../../../core/coverage/evaluate.ts'
import { parsePeriod } from '../../../core/coverage/period.ts'
import { DEFAULT_COVERAGE_RULES } from '../../../core/coverage/rules.ts'
import { reportTable } from '../../../core/coverage/tables.ts'
import {
  ALERTS,
  CALIBRATION_DUE_B2,
  DATA_2024,
  DATA_2025,
  FACILITIES,
  hoursFrom,
  SENSORS,
} from './fixture.ts'

const period = parsePeriod('2025')
const asOf = Date.parse('2026-02-01T00:00:00+07:00')
const windows = reportWindows(period, asOf)

function report(overrides: Partial<Parameters<typeof coverageReport>[0]> = {}) {
  return coverageReport({
    period,
    asOf,
    facilities: FACILITIES,
    sensors: SENSORS,
    current: hoursFrom(DATA_2025, windows.current),
    before: hoursFrom(DATA_2024, windows.before),
    alerts: ALERTS,
    rules: DEFAULT_COVERAGE_RULES,
    ...overrides,
  })
}

describe('the coverage report on the hand-counted fixture (see fixture.ts)', () => {
  const result = report()

  it('counts hazardous and monitored facilities in the period and the one before', () => {
    expect(result).toMatchObject({
      period: '2025',
      periodStart: Date.parse('2025-01-01T00:00:00+07:00'),
      periodEnd: Date.parse('2026-01-01T00:00:00+07:00'),
      complete: true,
      hazardousFacilities: 7,
      monitoredFacilities: 3,
      monitoredShare: 0.4286,
      facilitiesWithoutHazards: 1,
      previousPeriod: {
        period: '2024',
        hazardousFacilities: 7,
        monitoredFacilities: 3,
        monitoredShare: 0.4286,
      },
    })
  })

  it('judges growth against +5 %: 3 → 3 is behind and needs one more facility', () => {
    expect(result).toMatchObject({
      growthPercent: 0,
      targetPercent: 5,
      onTrack: false,
      verdict: 'behind',
      requiredFacilities: 4,
      facilitiesNeededForTarget: 1,
    })
  })

  it('tallies provinces', () => {
    expect(result.byProvince).toEqual([
      {
        name: 'Hà Nội',
        code: '01',
        hazardousFacilities: 3,
        monitoredFacilities: 2,
        monitoredShare: 0.6667,
        previousMonitoredFacilities: 1,
        growthPercent: 100,
        targetPercent: 5,
        onTrack: true,
        verdict: 'on-track',
        facilitiesNeededForTarget: 0,
        exposedWorkers: 0,
      },
      {
        name: 'Hồ Chí Minh',
        code: '79',
        hazardousFacilities: 4,
        monitoredFacilities: 1,
        monitoredShare: 0.25,
        previousMonitoredFacilities: 2,
        growthPercent: -50,
        targetPercent: 5,
        onTrack: false,
        verdict: 'behind',
        facilitiesNeededForTarget: 2,
        exposedWorkers: 0,
      },
    ])
  })

  it('tallies sectors, with growth from zero judged without a percentage', () => {
    const rows = result.bySector.map((s) => [
      s.name,
      s.hazardousFacilities,
      s.previousMonitoredFacilities,
      s.monitoredFacilities,
      s.growthPercent,
      s.verdict,
      s.facilitiesNeededForTarget,
    ])
    expect(rows).toEqual([
      ['cement', 2, 1, 1, 0, 'behind', 1],
      ['garment', 3, 2, 1, -50, 'behind', 2],
      ['steel', 2, 0, 1, null, 'on-track', 0],
    ])
  })

  it('lists each facility that falls short with every reason', () => {
    const reasons = result.shortfalls.map((s) => [
      s.facilityId,
      s.reasons.map((r) => `${r.factor}: ${r.code}`),
    ])
    expect(reasons).toEqual([
      ['A2', ['dust.total: no-sensor']],
      ['B1', ['noise: low-coverage']],
      ['B2', ['gas.co: calibration-overdue']],
      ['B4', ['noise: no-data']],
    ])
    const b1 = result.shortfalls[1]!
    expect(b1).toMatchObject({
      name: 'Facility B1',
      province: 'Hồ Chí Minh',
      sector: 'garment',
      hazards: ['noise'],
    })
    expect(b1.reasons[0]?.message).toBe('noise coverage 43 % < 60 % of working hours (best: B1-s1)')
    expect(result.shortfalls[2]?.reasons[0]?.calibrationDue).toBe(CALIBRATION_DUE_B2)
  })

  it('counts facilities with TWA or STEL alarms by factor in the period only', () => {
    expect(result.exceedances).toEqual([
      { factor: 'noise', facilities: 2, twaAlerts: 2, stelAlerts: 1, facilityIds: ['A1', 'B1'] },
      { factor: 'gas.co', facilities: 1, twaAlerts: 1, stelAlerts: 1, facilityIds: ['B2'] },
    ])
    expect(result.facilitiesWithExceedances).toBe(3)
  })

  it('writes every table for CSV, header first', () => {
    expect(reportTable(result, 'summary')).toEqual([
      [
        'period',
        'periodStart',
        'periodEnd',
        'evaluatedUntil',
        'complete',
        'hazardousFacilities',
        'monitoredFacilities',
        'monitoredShare',
        'previousPeriod',
        'previousHazardousFacilities',
        'previousMonitoredFacilities',
        'previousMonitoredShare',
        'growthPercent',
        'targetPercent',
        'onTrack',
        'verdict',
        'facilitiesNeededForTarget',
        'facilitiesWithoutHazards',
        'facilitiesWithExceedances',
        'monitoredByContinuous',
        'monitoredByCampaign',
        'monitoredByBoth',
        'facilitiesRegisteredLater',
        'exposedWorkers',
      ],
      [
        '2025',
        '2024-12-31T17:00:00.000Z',
        '2025-12-31T17:00:00.000Z',
        '2025-12-31T17:00:00.000Z',
        'true',
        7,
        3,
        0.4286,
        '2024',
        7,
        3,
        0.4286,
        0,
        5,
        'false',
        'behind',
        1,
        1,
        3,
        3,
        0,
        0,
        0,
        0,
      ],
    ])
    expect(reportTable(result, 'provinces')[0]).toEqual([
      'province',
      'code',
      'hazardousFacilities',
      'monitoredFacilities',
      'monitoredShare',
      'previousMonitoredFacilities',
      'growthPercent',
      'targetPercent',
      'onTrack',
      'verdict',
      'facilitiesNeededForTarget',
      'exposedWorkers',
    ])
    expect(reportTable(result, 'provinces')[2]).toEqual([
      'Hồ Chí Minh',
      '79',
      4,
      1,
      0.25,
      2,
      -50,
      5,
      'false',
      'behind',
      2,
      0,
    ])
    expect(reportTable(result, 'sectors')[3]).toEqual([
      'steel',
      2,
      1,
      0.5,
      0,
      '',
      5,
      'true',
      'on-track',
      0,
      0,
    ])
    const shortfalls = reportTable(result, 'shortfalls')
    expect(shortfalls).toHaveLength(5)
    expect(shortfalls[2]).toEqual([
      'B1',
      'Facility B1',
      'Hồ Chí Minh',
      'garment',
      'noise',
      'low-coverage',
      0.4301,
      0.6,
      'B1-s1',
      undefined,
      'noise coverage 43 % < 60 % of working hours (best: B1-s1)',
    ])
    expect(shortfalls[3]?.[9]).toBe('2025-06-29T17:00:00.000Z')
    expect(reportTable(result, 'exceedances')).toEqual([
      ['factor', 'facilities', 'twaAlerts', 'stelAlerts', 'facilityIds'],
      ['noise', 2, 2, 1, 'A1;B1'],
      ['gas.co', 1, 1, 1, 'B2'],
    ])
  })
})

describe('the coverage report', () => {
  it('pro-rates the target for a quarter and compares with the quarter before', () => {
    const q3 = parsePeriod('2025-Q3')
    const w = reportWindows(q3, asOf)
    const result = report({
      period: q3,
      current: hoursFrom(DATA_2025, w.current),
      before: hoursFrom(DATA_2024, w.before),
    })
    expect(result.previousPeriod.period).toBe('2025-Q2')
    expect(result.targetPercent).toBeCloseTo(1.2272234, 6)
    // 2025-Q2 on 2024's data: A1 and B1; B2's calibration fell due on 30 June, inside Q2. ceil(2 × 1.0123) = 3.
    expect(result.previousPeriod.monitoredFacilities).toBe(2)
    expect(result.requiredFacilities).toBe(3)
  })

  it('judges a running period up to the last full hour', () => {
    const running = Date.parse('2025-07-01T12:30:00+07:00')
    const w = reportWindows(period, running)
    expect(w.current.to).toBe(Date.parse('2025-07-01T12:00:00+07:00'))
    const result = report({
      asOf: running,
      current: hoursFrom(DATA_2025, w.current),
      before: hoursFrom(DATA_2024, w.before),
    })
    expect(result.complete).toBe(false)
    expect(result.evaluatedUntil).toBe(w.current.to)
    // B2's calibration fell due on 30 June, before the judged part ends.
    expect(result.shortfalls.map((s) => s.facilityId)).toContain('B2')
    // The 31 December alert lies after the judged part.
    expect(result.exceedances.find((e) => e.factor === 'gas.co')?.twaAlerts ?? 0).toBe(0)
  })

  it('refuses a period that has not started', () => {
    expect(() => reportWindows(parsePeriod('2027'), asOf)).toThrow(PeriodNotStartedError)
  })

  it('reports an empty scope without a verdict', () => {
    const result = report({ facilities: [] })
    expect(result).toMatchObject({
      hazardousFacilities: 0,
      monitoredFacilities: 0,
      monitoredShare: 0,
      onTrack: null,
      verdict: 'no-hazardous-facilities',
      byProvince: [],
      shortfalls: [],
      exceedances: [],
    })
  })

  it('is on track when the stricter previous year is compared with a better one', () => {
    const data2025 = { ...DATA_2025, 'B1-s1': 0.9, 'B4-s1': 0.9 }
    const result = report({ current: hoursFrom(data2025, windows.current) })
    expect(result).toMatchObject({
      monitoredFacilities: 5,
      growthPercent: 66.67,
      onTrack: true,
      verdict: 'on-track',
    })
  })
})
