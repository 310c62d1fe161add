import { describe, expect, it } from 'vitest'
import { assessFacility, type CoverageFacility, type CoverageSensor } from '../../../core/coverage/assess.ts'
import { coverageRules, DEFAULT_COVERAGE_RULES } from '../../../core/coverage/rules.ts'
import { hourOccurrences } from '../../../core/coverage/working-hours.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../../core/shifts.ts'
import { ONE_SHIFT } from './fixture.ts'

const from = Date.parse('2025-01-01T00:00:00+07:00')
const to = Date.parse('2026-01-01T00:00:00+07:00')
const window = { from, to }
const all = hourOccurrences(from, to) // 365 of each hour of the day
const share = (s: number) => all.map((n) => Math.round(n * s))

const factory: CoverageFacility = {
  id: 'f1',
  name: 'Factory',
  province: 'Hà Nội',
  sector: 'garment',
  hazards: ['noise', 'dust.total'],
  shifts: DEFAULT_SHIFT_PATTERN,
}
const noise: CoverageSensor = { id: 'n1', facilityId: 'f1', factors: ['noise'], commissionedAt: 0 }
const dust: CoverageSensor = {
  id: 'd1',
  facilityId: 'f1',
  factors: ['dust.total', 'dust.respirable'],
  commissionedAt: 0,
}

function assess(
  sensors: CoverageSensor[],
  data: Record<string, readonly number[]>,
  options: { facility?: Partial<CoverageFacility>; rules?: Parameters<typeof coverageRules>[0] } = {},
) {
  return assessFacility({
    facility: { ...factory, ...options.facility },
    sensors,
    hoursWithData: (sensorId, factor) => data[`${sensorId}/${factor}`],
    window,
    rules: coverageRules(options.rules),
  })
}

describe('assessFacility', () => {
  it('counts a facility whose every hazardous factor has a sensor covering 60 % of working hours', () => {
    const result = assess([noise, dust], { 'n1/noise': share(0.6), 'd1/dust.total': all })
    expect(result).toMatchObject({ hazardous: true, monitored: true, reasons: [] })
    expect(result.factors).toEqual([
      {
        factor: 'noise',
        covered: true,
        coverage: 0.6,
        sensorId: 'n1',
        sources: ['continuous'],
        campaignIds: [],
      },
      {
        factor: 'dust.total',
        covered: true,
        coverage: 1,
        sensorId: 'd1',
        sources: ['continuous'],
        campaignIds: [],
      },
    ])
    expect(result.sources).toEqual(['continuous'])
  })

  it('leaves a facility without hazards out of the base', () => {
    expect(assess([noise], { 'n1/noise': all }, { facility: { hazards: [] } })).toEqual({
      facilityId: 'f1',
      hazardous: false,
      monitored: false,
      factors: [],
      sources: [],
      reasons: [],
    })
  })

  it('says no-sensor for a hazard no sensor is registered for', () => {
    const result = assess([noise], { 'n1/noise': all })
    expect(result.monitored).toBe(false)
    expect(result.reasons).toEqual([
      {
        factor: 'dust.total',
        code: 'no-sensor',
        sensorIds: [],
        message: 'no sensor registered for dust.total',
      },
    ])
  })

  it('counts only sensors commissioned before the end of the window, naming the others not-commissioned', () => {
    const fitted: CoverageSensor = { ...noise, commissionedAt: undefined }
    const data = { 'n1/noise': all, 'd1/dust.total': all }
    const result = assess([fitted, dust], data)
    expect(result.monitored).toBe(false)
    expect(result.factors[0]).toMatchObject({ factor: 'noise', covered: false, coverage: 0 })
    expect(result.reasons).toEqual([
      {
        factor: 'noise',
        code: 'not-commissioned',
        sensorIds: ['n1'],
        message: 'noise: still commissioning n1',
      },
    ])
    expect(assess([{ ...noise, commissionedAt: to }, dust], data).monitored).toBe(false)
    // Commissioned inside the window: its readings of the whole window count.
    expect(assess([{ ...noise, commissionedAt: to - 1 }, dust], data).monitored).toBe(true)
  })

  it('lets a commissioned sensor cover a factor beside one still commissioning', () => {
    const fitted: CoverageSensor = { id: 'n2', facilityId: 'f1', factors: ['noise'] }
    const result = assess([noise, fitted, dust], { 'n1/noise': all, 'n2/noise': all, 'd1/dust.total': all })
    expect(result).toMatchObject({ monitored: true, reasons: [] })
    expect(result.factors[0]?.sensorId).toBe('n1')
  })

  it('says low-coverage with the best sensor, its coverage and the threshold', () => {
    const second: CoverageSensor = { id: 'n2', facilityId: 'f1', factors: ['noise'], commissionedAt: 0 }
    const result = assess([noise, second, dust], {
      'n1/noise': share(0.2),
      'n2/noise': share(0.43),
      'd1/dust.total': all,
    })
    expect(result.reasons).toHaveLength(1)
    expect(result.reasons[0]).toMatchObject({
      factor: 'noise',
      code: 'low-coverage',
      sensorIds: ['n2'],
      required: 0.6,
      message: 'noise coverage 43 % < 60 % of working hours (best: n2)',
    })
    expect(result.reasons[0]?.coverage).toBeCloseTo(0.43, 2)
  })

  it('takes the best single sensor, not the sum of several', () => {
    const second: CoverageSensor = { id: 'n2', facilityId: 'f1', factors: ['noise'], commissionedAt: 0 }
    const result = assess([noise, second, dust], {
      'n1/noise': share(0.4),
      'n2/noise': share(0.4),
      'd1/dust.total': all,
    })
    expect(result.monitored).toBe(false)
  })

  it('is monitored at exactly the threshold', () => {
    const result = assess([noise, dust], { 'n1/noise': share(0.6), 'd1/dust.total': all })
    expect(result.factors[0]?.coverage).toBe(0.6) // 219 of 365 hours of each hour of the day
  })

  it('says no-data when the sensors that count have no reading in working hours', () => {
    const result = assess([noise, dust], { 'd1/dust.total': all })
    expect(result.reasons).toEqual([
      {
        factor: 'noise',
        code: 'no-data',
        sensorIds: ['n1'],
        coverage: 0,
        required: 0.6,
        message: 'no noise data in working hours from n1',
      },
    ])
  })

  it('does not count a sensor whose calibration fell due before the end of the window', () => {
    const due = Date.parse('2025-06-30T00:00:00+07:00')
    const result = assess([{ ...noise, calibrationDue: due }, dust], {
      'n1/noise': all,
      'd1/dust.total': all,
    })
    expect(result.monitored).toBe(false)
    expect(result.reasons).toEqual([
      {
        factor: 'noise',
        code: 'calibration-overdue',
        sensorIds: ['n1'],
        calibrationDue: due,
        message: 'noise: calibration overdue on n1 (due 2025-06-30)',
      },
    ])
  })

  it('counts a sensor whose calibration falls due after the window, or within the grace days', () => {
    const dueAtEnd = { ...noise, calibrationDue: to }
    expect(assess([dueAtEnd, dust], { 'n1/noise': all, 'd1/dust.total': all }).monitored).toBe(true)
    const dueLastWeek = { ...noise, calibrationDue: to - 7 * 86_400_000 }
    expect(assess([dueLastWeek, dust], { 'n1/noise': all, 'd1/dust.total': all }).monitored).toBe(false)
    expect(
      assess(
        [dueLastWeek, dust],
        { 'n1/noise': all, 'd1/dust.total': all },
        { rules: { calibrationGraceDays: 7 } },
      ).monitored,
    ).toBe(true)
  })

  it('names both problems when the counting sensor is short and a better one is overdue', () => {
    const overdue: CoverageSensor = {
      id: 'n2',
      facilityId: 'f1',
      factors: ['noise'],
      commissionedAt: 0,
      calibrationDue: from,
    }
    const result = assess([noise, overdue, dust], {
      'n1/noise': share(0.3),
      'n2/noise': all,
      'd1/dust.total': all,
    })
    expect(result.reasons.map((r) => [r.code, r.sensorIds])).toEqual([
      ['low-coverage', ['n1']],
      ['calibration-overdue', ['n2']],
    ])
  })

  it('counts sensors without a calibration date by default, and not when the rules require one', () => {
    const data = { 'n1/noise': all, 'd1/dust.total': all }
    expect(assess([noise, dust], data).monitored).toBe(true)
    const strict = assess([noise, { ...dust, calibrationDue: to }], data, {
      rules: { acceptUnknownCalibration: false },
    })
    expect(strict.reasons).toEqual([
      {
        factor: 'noise',
        code: 'calibration-unknown',
        sensorIds: ['n1'],
        message: 'noise: no calibration date registered for n1',
      },
    ])
  })

  it('judges working hours only: a one-shift plant with data in its shift alone is fully covered', () => {
    const inShift = all.map((n, hour) => (hour < 8 ? n : 0)) // 07:00–15:00 in Vietnam
    const result = assess(
      [noise],
      { 'n1/noise': inShift },
      { facility: { hazards: ['noise'], shifts: ONE_SHIFT } },
    )
    expect(result.factors[0]?.coverage).toBe(1)
    const atNight = all.map((n, hour) => (hour >= 8 ? n : 0))
    const night = assess(
      [noise],
      { 'n1/noise': atNight },
      { facility: { hazards: ['noise'], shifts: ONE_SHIFT } },
    )
    expect(night.reasons[0]?.code).toBe('no-data')
  })

  it('counts half of a working day as 50 %', () => {
    const half = all.map((n, hour) => (hour < 4 ? n : 0))
    const result = assess(
      [noise],
      { 'n1/noise': half },
      { facility: { hazards: ['noise'], shifts: ONE_SHIFT } },
    )
    expect(result.factors[0]?.coverage).toBe(0.5)
    expect(result.reasons[0]?.message).toBe('noise coverage 50 % < 60 % of working hours (best: n1)')
  })

  it('honours another threshold', () => {
    const data = { 'n1/noise': share(0.5), 'd1/dust.total': all }
    expect(assess([noise, dust], data).monitored).toBe(false)
    expect(assess([noise, dust], data, { rules: { minCoverage: 0.5 } }).monitored).toBe(true)
  })

  it('ignores sensors of other facilities and a hazard listed twice', () => {
    const elsewhere: CoverageSensor = { id: 'x1', facilityId: 'f2', factors: ['noise'], commissionedAt: 0 }
    const result = assess([elsewhere], { 'x1/noise': all }, { facility: { hazards: ['noise', 'noise'] } })
    expect(result.reasons.map((r) => r.code)).toEqual(['no-sensor'])
  })

  it('sees no coverage in an empty window', () => {
    const result = assessFacility({
      facility: { ...factory, hazards: ['noise'] },
      sensors: [noise],
      hoursWithData: () => all,
      window: { from, to: from },
      rules: DEFAULT_COVERAGE_RULES,
    })
    expect(result.reasons[0]?.code).toBe('no-data')
  })
})

describe('coverageRules', () => {
  it('merges over the defaults', () => {
    expect(coverageRules({ minCoverage: 0.8 })).toEqual({ ...DEFAULT_COVERAGE_RULES, minCoverage: 0.8 })
  })

  it.each([
    [{ minCoverage: 0 }],
    [{ minCoverage: 1.2 }],
    [{ shiftHours: 0 }],
    [{ calibrationGraceDays: -1 }],
    [{ annualTargetPercent: Number.NaN }],
  ])('refuses %j', (overrides) => {
    expect(() => coverageRules(overrides)).toThrow(RangeError)
  })
})
