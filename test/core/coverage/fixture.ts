import type { CoverageFacility, CoverageSensor, HoursWithData } from '../../../core/coverage/assess.ts'
import type { ReportAlert } from '../../../core/coverage/report.ts'
import { hourOccurrences } from '../../../core/coverage/working-hours.ts'
import type { FactorId } from '../../../core/factors.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../../core/shifts.ts'

/**
 * The hand-counted fixture of the coverage report for 2025 (previous period 2024). Default shifts (three
 * 8-hour shifts: every hour is working time) unless said otherwise; "90 %" means data in 90 % of the hours.
 *
 * | facility | province   | sector  | hazards         | 2024                    | 2025                          |
 * | -------- | ---------- | ------- | --------------- | ----------------------- | ----------------------------- |
 * | A1       | Hà Nội     | garment | noise           | 90 %  monitored         | 90 %  monitored               |
 * | A2       | Hà Nội     | garment | noise, dust.total | dust: no sensor       | dust: no sensor               |
 * | A3       | Hà Nội     | cement  | noise           | no data                 | 90 %  monitored               |
 * | A4       | Hà Nội     | cement  | (none)          | outside the base        | outside the base              |
 * | B1       | Hồ Chí Minh | garment | noise           | 90 %  monitored         | 43 %  low coverage            |
 * | B2       | Hồ Chí Minh | cement  | gas.co          | 90 %  monitored         | 90 % but calibration due 2025-06-30: overdue |
 * | B3       | Hồ Chí Minh | steel   | noise           | no data                 | every hour of its one 07:00 shift: monitored |
 * | B4       | Hồ Chí Minh | steel   | noise           | sensor, no data         | sensor, no data               |
 *
 * 2024: A1, B1, B2 monitored (3 of 7). 2025: A1, A3, B3 monitored (3 of 7): growth 0 %, behind, needs
 * ceil(3 × 1.05) = 4, one more. Hà Nội 1 → 2 (+100 %, on track); Hồ Chí Minh 2 → 1 (−50 %, needs 3 − 1 = 2).
 * garment 2 → 1 (needs 3 − 1 = 2), cement 1 → 1 (needs 1), steel 0 → 1 (on track from zero).
 */
export const ONE_SHIFT = { starts: ['07:00'], utcOffsetMinutes: 420 } as const

const CODES: Record<string, string> = { 'Hà Nội': '01', 'Hồ Chí Minh': '79' }

function facility(
  id: string,
  province: string,
  sector: string,
  hazards: FactorId[],
  shifts = DEFAULT_SHIFT_PATTERN,
): CoverageFacility {
  return { id, name: `Facility ${id}`, province, provinceCode: CODES[province], sector, hazards, shifts }
}

export const FACILITIES: CoverageFacility[] = [
  facility('A1', 'Hà Nội', 'garment', ['noise']),
  facility('A2', 'Hà Nội', 'garment', ['noise', 'dust.total']),
  facility('A3', 'Hà Nội', 'cement', ['noise']),
  facility('A4', 'Hà Nội', 'cement', []),
  facility('B1', 'Hồ Chí Minh', 'garment', ['noise']),
  facility('B2', 'Hồ Chí Minh', 'cement', ['gas.co']),
  facility('B3', 'Hồ Chí Minh', 'steel', ['noise'], ONE_SHIFT),
  facility('B4', 'Hồ Chí Minh', 'steel', ['noise']),
]

export const CALIBRATION_DUE_B2 = Date.parse('2025-06-30T00:00:00+07:00')

export const SENSORS: CoverageSensor[] = [
  { id: 'A1-s1', facilityId: 'A1', factors: ['noise'], commissionedAt: 0 },
  { id: 'A2-s1', facilityId: 'A2', factors: ['noise'], commissionedAt: 0 },
  { id: 'A3-s1', facilityId: 'A3', factors: ['noise'], commissionedAt: 0 },
  { id: 'A4-s1', facilityId: 'A4', factors: ['noise'], commissionedAt: 0 },
  { id: 'B1-s1', facilityId: 'B1', factors: ['noise'], commissionedAt: 0 },
  {
    id: 'B2-s1',
    facilityId: 'B2',
    factors: ['gas.co'],
    commissionedAt: 0,
    calibrationDue: CALIBRATION_DUE_B2,
  },
  { id: 'B3-s1', facilityId: 'B3', factors: ['noise'], commissionedAt: 0 },
  { id: 'B4-s1', facilityId: 'B4', factors: ['noise'], commissionedAt: 0 },
]

/** What share of every hour of the day has data, per sensor; 'shift' = only B3's 00:00–08:00 UTC, all of it. */
export const DATA_2024: Record<string, number> = { 'A1-s1': 0.9, 'A2-s1': 0.9, 'B1-s1': 0.9, 'B2-s1': 0.9 }
export const DATA_2025: Record<string, number | 'shift'> = {
  'A1-s1': 0.9,
  'A2-s1': 0.9,
  'A3-s1': 0.9,
  'A4-s1': 0.9,
  'B1-s1': 0.43,
  'B2-s1': 0.9,
  'B3-s1': 'shift',
}

/** Hours with data for a window: the share given of every hour of the day, rounded. */
export function hoursFrom(
  shares: Record<string, number | 'shift'>,
  window: { from: number; to: number },
): HoursWithData {
  const occurrences = hourOccurrences(window.from, window.to)
  return (sensorId) => {
    const share = shares[sensorId]
    if (share === undefined) return undefined
    if (share === 'shift') return occurrences.map((n, hour) => (hour < 8 ? n : 0))
    return occurrences.map((n) => Math.round(n * share))
  }
}

const at = (local: string) => Date.parse(`${local}+07:00`)

export const ALERTS: (ReportAlert & { note: string })[] = [
  {
    facilityId: 'A1',
    sensorId: 'A1-s1',
    factor: 'noise',
    kind: 'twa',
    level: 'alarm',
    openedAt: at('2025-03-03T10:00:00'),
    note: 'counts',
  },
  {
    facilityId: 'A1',
    sensorId: 'A1-s1',
    factor: 'noise',
    kind: 'twa',
    level: 'critical',
    openedAt: at('2025-04-03T10:00:00'),
    note: 'counts, same facility',
  },
  {
    facilityId: 'B1',
    sensorId: 'B1-s1',
    factor: 'noise',
    kind: 'stel',
    level: 'critical',
    openedAt: at('2025-05-05T09:00:00'),
    note: 'counts',
  },
  {
    facilityId: 'B2',
    sensorId: 'B2-s1',
    factor: 'gas.co',
    kind: 'stel',
    level: 'alarm',
    openedAt: at('2025-02-01T08:00:00'),
    note: 'counts',
  },
  {
    facilityId: 'B2',
    sensorId: 'B2-s1',
    factor: 'gas.co',
    kind: 'twa',
    level: 'alarm',
    openedAt: at('2025-12-31T23:59:00'),
    note: 'counts',
  },
  {
    facilityId: 'A3',
    sensorId: 'A3-s1',
    factor: 'noise',
    kind: 'twa',
    level: 'warning',
    openedAt: at('2025-03-03T10:00:00'),
    note: 'a warning',
  },
  {
    facilityId: 'A1',
    sensorId: 'A1-s1',
    factor: 'noise',
    kind: 'ceiling',
    level: 'alarm',
    openedAt: at('2025-03-03T10:00:00'),
    note: 'not TWA or STEL',
  },
  {
    facilityId: 'B3',
    sensorId: 'B3-s1',
    factor: 'noise',
    kind: 'twa',
    level: 'alarm',
    openedAt: at('2024-12-31T23:59:00'),
    note: '2024',
  },
  {
    facilityId: 'B3',
    sensorId: 'B3-s1',
    factor: 'noise',
    kind: 'twa',
    level: 'alarm',
    openedAt: at('2026-01-01T00:00:00'),
    note: '2026',
  },
  {
    facilityId: 'Z9',
    sensorId: 'Z9-s1',
    factor: 'noise',
    kind: 'twa',
    level: 'alarm',
    openedAt: at('2025-03-03T10:00:00'),
    note: 'not in scope',
  },
]
