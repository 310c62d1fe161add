import { describe, expect, it } from 'vitest'
import type { CoverageFacility } from '../../../core/coverage/assess.ts'
import { coverageReport } from '../../../core/coverage/evaluate.ts'
import {
  type ExceedanceAlert,
  exceedancesInWindow,
  exposedWorkers,
  type WorkerZone,
} from '../../../core/coverage/exposed-workers.ts'
import { parsePeriod } from '../../../core/coverage/period.ts'
import { DEFAULT_COVERAGE_RULES } from '../../../core/coverage/rules.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../../core/shifts.ts'

const at = (local: string) => Date.parse(`${local}+07:00`)
const window = { from: at('2025-01-01T00:00:00'), to: at('2026-01-01T00:00:00') }

/**
 * Known zones, counted by hand:
 *
 * | facility | zone           | workers | in 2025                                                |
 * | -------- | -------------- | ------- | ------------------------------------------------------ |
 * | P1 (300) | P1-mill        | 40      | noise TWA alarm (sensor P1-s1), campaign dust 2 over   |
 * | P1       | P1-kiln        | 25      | noise STEL warning only: not over the limit            |
 * | P1       | P1-packing     | 30      | campaign: noise 0 over                                  |
 * | P2 (50)  | P2-hall        | 60      | NH₃ ceiling critical (P2-s1): capped at the facility's 50 |
 * | P3 (80)  | P3-yard        | —       | CO TWA alarm (P3-s1): zone without a worker count       |
 * | P3       | (no zone)      |         | CO STEL alarm on P3-s2, a sensor in no zone             |
 * | P4 (90)  | P4-line        | 15      | noise TWA alarm in 2024 only                            |
 *
 * 2025: P1 40 (noise and dust in the mill), P2 50, P3 0 and unknown → 90. noise: 40 (P1); dust.total: 40
 * (P1); gas.nh3: 50 (P2); gas.co: 0 (P3).
 */
const facility = (id: string, province: string, workers: number): CoverageFacility => ({
  id,
  name: `Plant ${id}`,
  province,
  provinceCode: province === 'Ninh Bình' ? '37' : '31',
  sector: 'cement',
  hazards: ['noise'],
  shifts: DEFAULT_SHIFT_PATTERN,
  workers,
})
const FACILITIES = [
  facility('P1', 'Ninh Bình', 300),
  facility('P2', 'Hải Phòng', 50),
  facility('P3', 'Hải Phòng', 80),
  facility('P4', 'Ninh Bình', 90),
]
const ZONES: WorkerZone[] = [
  { id: 'P1-mill', facilityId: 'P1', name: 'Mill', workers: 40 },
  { id: 'P1-kiln', facilityId: 'P1', name: 'Kiln', workers: 25 },
  { id: 'P1-packing', facilityId: 'P1', name: 'Packing', workers: 30 },
  { id: 'P2-hall', facilityId: 'P2', name: 'Hall', workers: 60 },
  { id: 'P3-yard', facilityId: 'P3', name: 'Yard' },
  { id: 'P4-line', facilityId: 'P4', name: 'Line', workers: 15 },
]
const SENSORS = [
  { id: 'P1-s1', facilityId: 'P1', zoneId: 'P1-mill', factors: ['noise' as const], commissionedAt: 0 },
  { id: 'P1-s2', facilityId: 'P1', zoneId: 'P1-kiln', factors: ['noise' as const], commissionedAt: 0 },
  { id: 'P2-s1', facilityId: 'P2', zoneId: 'P2-hall', factors: ['gas.nh3' as const], commissionedAt: 0 },
  { id: 'P3-s1', facilityId: 'P3', zoneId: 'P3-yard', factors: ['gas.co' as const], commissionedAt: 0 },
  { id: 'P3-s2', facilityId: 'P3', factors: ['gas.co' as const], commissionedAt: 0 },
  { id: 'P4-s1', facilityId: 'P4', zoneId: 'P4-line', factors: ['noise' as const], commissionedAt: 0 },
]
const alert = (
  facilityId: string,
  sensorId: string,
  factor: ExceedanceAlert['factor'],
  kind: ExceedanceAlert['kind'],
  level: ExceedanceAlert['level'],
  when: string,
): ExceedanceAlert => ({ facilityId, sensorId, factor, kind, level, openedAt: at(when) })
const ALERTS = [
  alert('P1', 'P1-s1', 'noise', 'twa', 'alarm', '2025-03-03T10:00:00'),
  alert('P1', 'P1-s2', 'noise', 'stel', 'warning', '2025-03-03T10:00:00'),
  alert('P2', 'P2-s1', 'gas.nh3', 'ceiling', 'critical', '2025-08-08T08:00:00'),
  alert('P3', 'P3-s1', 'gas.co', 'twa', 'alarm', '2025-09-09T09:00:00'),
  alert('P3', 'P3-s2', 'gas.co', 'stel', 'alarm', '2025-09-09T09:30:00'),
  alert('P4', 'P4-s1', 'noise', 'twa', 'alarm', '2024-11-11T11:00:00'),
  alert('P4', 'P4-s1', 'noise', 'sensor-offline', 'alarm', '2025-02-02T02:00:00'),
]
const CAMPAIGNS = [
  {
    id: 'c1',
    facilityId: 'P1',
    endedOn: '2025-06-12',
    measurements: [
      { zoneId: 'P1-mill', factor: 'dust.total' as const, samples: 6, samplesOverLimit: 2 },
      { zoneId: 'P1-packing', factor: 'noise' as const, samples: 3, samplesOverLimit: 0 },
    ],
  },
]
const zoneOf = new Map(SENSORS.map((s) => [s.id, s.zoneId]))

describe('exceedancesInWindow', () => {
  it('takes alarm-level exposure alerts and campaign samples over the limit, in the window only', () => {
    const found = exceedancesInWindow({
      alerts: ALERTS,
      zoneOfSensor: (id) => zoneOf.get(id),
      campaigns: CAMPAIGNS,
      window,
    })
    expect(found.map((e) => [e.facilityId, e.zoneId, e.factor, e.basis, e.evidence])).toEqual([
      ['P1', 'P1-mill', 'noise', 'alert', 'P1-s1'],
      ['P2', 'P2-hall', 'gas.nh3', 'alert', 'P2-s1'],
      ['P3', 'P3-yard', 'gas.co', 'alert', 'P3-s1'],
      ['P3', undefined, 'gas.co', 'alert', 'P3-s2'],
      ['P1', 'P1-mill', 'dust.total', 'campaign', 'c1'],
    ])
  })
})

describe('exposedWorkers on the hand-counted zones', () => {
  const result = exposedWorkers({
    facilities: FACILITIES,
    zones: ZONES,
    exceedances: exceedancesInWindow({
      alerts: ALERTS,
      zoneOfSensor: (id) => zoneOf.get(id),
      campaigns: CAMPAIGNS,
      window,
    }),
  })

  it('counts the workers of exceeding zones once per zone, capped at the facility', () => {
    expect(result.exposedWorkers).toBe(90)
    expect(result.facilities.map((f) => [f.facilityId, f.exposedWorkers, f.workersUnknown])).toEqual([
      ['P2', 50, false],
      ['P3', 0, true],
      ['P1', 40, false],
    ])
  })

  it('counts per factor', () => {
    expect(result.byFactor).toEqual([
      { factor: 'gas.nh3', exposedWorkers: 50, facilities: 1 },
      { factor: 'dust.total', exposedWorkers: 40, facilities: 1 },
      { factor: 'noise', exposedWorkers: 40, facilities: 1 },
      { factor: 'gas.co', exposedWorkers: 0, facilities: 1 },
    ])
  })

  it('lists the zones and evidence behind each facility, and the sensors in no zone', () => {
    const p1 = result.facilities.find((f) => f.facilityId === 'P1')
    expect(p1?.zones).toEqual([
      {
        zoneId: 'P1-mill',
        name: 'Mill',
        workers: 40,
        factors: ['noise', 'dust.total'],
        evidence: ['P1-s1', 'c1'],
      },
    ])
    const p3 = result.facilities.find((f) => f.facilityId === 'P3')
    expect(p3?.unattributed).toEqual([{ factor: 'gas.co', evidence: ['P3-s2'] }])
  })

  it('sums into the report by province and sector', () => {
    const period = parsePeriod('2025')
    const report = coverageReport({
      period,
      asOf: at('2026-02-01T00:00:00'),
      facilities: FACILITIES,
      sensors: SENSORS,
      current: () => undefined,
      before: () => undefined,
      alerts: ALERTS.map((a, i) => ({ ...a, id: `a${i}` })),
      campaigns: CAMPAIGNS,
      zones: ZONES,
      rules: DEFAULT_COVERAGE_RULES,
    })
    expect(report.exposedWorkers).toBe(90)
    expect(report.byProvince.map((p) => [p.name, p.code, p.exposedWorkers])).toEqual([
      ['Hải Phòng', '31', 50],
      ['Ninh Bình', '37', 40],
    ])
    expect(report.bySector.map((s) => [s.name, s.exposedWorkers])).toEqual([['cement', 90]])
    expect(report.exposedWorkersByFactor[0]).toEqual({ factor: 'gas.nh3', exposedWorkers: 50, facilities: 1 })
    expect(report.exposedFacilities.map((f) => f.facilityId)).toEqual(['P2', 'P3', 'P1'])
  })
})
