import { describe, expect, it } from 'vitest'
import { campaignCountsAt, campaignProblems } from '../../../core/campaigns.ts'
import {
  assessFacility,
  type CoverageCampaign,
  type CoverageFacility,
} from '../../../core/coverage/assess.ts'
import { campaignsIn, coverageReport, registeredBy, reportWindows } from '../../../core/coverage/evaluate.ts'
import { parsePeriod } from '../../../core/coverage/period.ts'
import { DEFAULT_COVERAGE_RULES } from '../../../core/coverage/rules.ts'
import { hourOccurrences } from '../../../core/coverage/working-hours.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../../core/shifts.ts'

const at = (local: string) => Date.parse(`${local}+07:00`)
const window = { from: at('2025-01-01T00:00:00'), to: at('2026-01-01T00:00:00') }
const all = hourOccurrences(window.from, window.to)

const factory: CoverageFacility = {
  id: 'f1',
  name: 'Factory',
  province: 'Bắc Ninh',
  provinceCode: '24',
  sector: 'garment',
  hazards: ['noise', 'dust.total'],
  shifts: DEFAULT_SHIFT_PATTERN,
}

function campaign(
  id: string,
  endedOn: string,
  factors: CoverageCampaign['measurements'][number]['factor'][],
) {
  return {
    id,
    facilityId: 'f1',
    endedOn,
    measurements: factors.map((factor) => ({ zoneId: 'z1', factor, samples: 4, samplesOverLimit: 0 })),
  }
}

describe('a campaign in the window', () => {
  it('covers the factors it sampled, beside a sensor that covers the others', () => {
    const result = assessFacility({
      facility: factory,
      sensors: [{ id: 'n1', facilityId: 'f1', factors: ['noise'], commissionedAt: 0 }],
      hoursWithData: (sensorId) => (sensorId === 'n1' ? all : undefined),
      campaigns: [campaign('c1', '2025-05-10', ['dust.total', 'light'])],
      window,
      rules: DEFAULT_COVERAGE_RULES,
    })
    expect(result.monitored).toBe(true)
    expect(result.sources).toEqual(['continuous', 'campaign'])
    expect(result.factors.map((f) => [f.factor, f.sources, f.campaignIds])).toEqual([
      ['noise', ['continuous'], []],
      ['dust.total', ['campaign'], ['c1']],
    ])
  })

  it('counts a facility without any sensor as monitored by campaign alone', () => {
    const result = assessFacility({
      facility: factory,
      sensors: [],
      hoursWithData: () => undefined,
      campaigns: [campaign('c1', '2025-05-10', ['dust.total', 'noise'])],
      window,
      rules: DEFAULT_COVERAGE_RULES,
    })
    expect(result).toMatchObject({ monitored: true, sources: ['campaign'], reasons: [] })
  })

  it('says which campaign left a hazard out, and does not count samples of zero', () => {
    const empty = {
      id: 'c2',
      facilityId: 'f1',
      endedOn: '2025-06-01',
      measurements: [{ zoneId: 'z1', factor: 'dust.total' as const, samples: 0, samplesOverLimit: 0 }],
    }
    const result = assessFacility({
      facility: factory,
      sensors: [],
      hoursWithData: () => undefined,
      campaigns: [campaign('c1', '2025-05-10', ['noise']), empty],
      window,
      rules: DEFAULT_COVERAGE_RULES,
    })
    expect(result.monitored).toBe(false)
    expect(result.reasons.map((r) => [r.factor, r.code, r.campaignIds])).toEqual([
      ['dust.total', 'no-sensor', undefined],
      ['dust.total', 'not-in-campaign', ['c1', 'c2']],
    ])
    expect(result.reasons[1]?.message).toBe('dust.total not sampled by campaign c1, c2')
  })
})

describe('campaignsIn', () => {
  it('counts a campaign in the period that holds its last day of sampling, Vietnam time', () => {
    const list = [
      campaign('dec', '2024-12-31', ['noise']),
      campaign('straddles', '2025-01-01', ['noise']),
      campaign('last-day', '2025-12-31', ['noise']),
      campaign('next', '2026-01-01', ['noise']),
    ]
    expect(campaignsIn(list, window).map((c) => c.id)).toEqual(['straddles', 'last-day'])
    expect(campaignCountsAt('2025-01-01')).toBe(window.from)
  })
})

describe('campaignProblems', () => {
  const context = { zoneIds: new Set(['z1']), today: '2026-12-02' }
  const base = { startedOn: '2025-05-08', endedOn: '2025-05-10' }

  it('accepts a consistent campaign', () => {
    const measurements = [
      {
        zoneId: 'z1',
        factor: 'noise' as const,
        samples: 2,
        samplesOverLimit: 1,
        values: [84, 88],
        unit: 'dBA',
      },
    ]
    expect(campaignProblems({ ...base, measurements }, context)).toEqual([])
  })

  it('names every inconsistency', () => {
    const problems = campaignProblems(
      {
        startedOn: '2027-01-05',
        endedOn: '2027-01-01',
        measurements: [
          { zoneId: 'z9', factor: 'noise', samples: 2, samplesOverLimit: 3 },
          { zoneId: 'z1', factor: 'noise', samples: 2, samplesOverLimit: 0, values: [80] },
          { zoneId: 'z1', factor: 'light', samples: 1, samplesOverLimit: 0, values: [300] },
        ],
      },
      context,
    )
    expect(problems).toEqual([
      'startedOn 2027-01-05 is after endedOn 2027-01-01',
      'endedOn 2027-01-01 lies in the future',
      'measurements[0]: zone z9 is no zone of the facility',
      'measurements[0]: 3 samples over the limit of 2 taken',
      'measurements[1]: 1 values given for 2 samples',
      'measurements[1]: values need their unit',
      'measurements[2]: values need their unit',
    ])
  })
})

describe('registration', () => {
  it('leaves out of a window the facilities registered after it ends', () => {
    const list = [
      { id: 'old', registeredAt: undefined },
      { id: 'before', registeredAt: at('2024-06-01T00:00:00') },
      { id: 'during', registeredAt: at('2025-06-01T00:00:00') },
      { id: 'after', registeredAt: at('2026-01-01T00:00:00') },
    ]
    expect(registeredBy(list, window.to).map((f) => f.id)).toEqual(['old', 'before', 'during'])
  })

  it('keeps a facility registered this year out of last year, and counts it apart', () => {
    const period = parsePeriod('2025')
    const asOf = at('2026-02-01T00:00:00')
    const windows = reportWindows(period, asOf)
    const facility = (id: string, registeredAt: number): CoverageFacility => ({
      ...factory,
      id,
      hazards: ['noise'],
      registeredAt,
    })
    const report = coverageReport({
      period,
      asOf,
      facilities: [
        facility('early', at('2020-01-01T00:00:00')),
        facility('new', at('2025-09-01T00:00:00')),
        facility('later', at('2026-01-15T00:00:00')),
      ],
      sensors: [],
      current: () => undefined,
      before: () => undefined,
      alerts: [],
      rules: DEFAULT_COVERAGE_RULES,
    })
    expect(windows.current.to).toBe(period.end)
    expect(report.hazardousFacilities).toBe(2)
    expect(report.previousPeriod.hazardousFacilities).toBe(1)
    expect(report.facilitiesRegisteredLater).toBe(1)
    expect(report.shortfalls.map((s) => s.facilityId)).toEqual(['early', 'new'])
    expect(report.byProvince[0]).toMatchObject({ hazardousFacilities: 2, previousMonitoredFacilities: 0 })
  })
})
