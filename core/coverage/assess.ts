import type { FactorId } from '../factors.ts'
import type { ShiftPattern } from '../shifts.ts'
import { REPORT_UTC_OFFSET_MINUTES } from './period.ts'
import type { CoverageRules } from './rules.ts'
import { type ByUtcHour, hourOccurrences, weightedHours, workingWeights } from './working-hours.ts'

const DAY_MS = 86_400_000

/** What the definition needs of a facility (the registry's Facility fits). */
export interface CoverageFacility {
  id: string
  name: string
  province: string
  sector: string
  hazards: readonly FactorId[]
  shifts: ShiftPattern
}

/** What the definition needs of a sensor (the registry's Sensor fits). */
export interface CoverageSensor {
  id: string
  facilityId: string
  factors: readonly FactorId[]
  calibrationDue?: number
}

/** Distinct clock hours with at least one reading of a sensor's factor, by UTC hour of day; undefined: none. */
export type HoursWithData = (sensorId: string, factor: FactorId) => ByUtcHour | undefined

/** The time a report judges: a period, or the part of it that has passed. Epoch ms, [from, to). */
export interface CoverageWindow {
  from: number
  to: number
}

export const SHORTFALL_CODES = [
  'no-sensor',
  'calibration-overdue',
  'calibration-unknown',
  'no-data',
  'low-coverage',
] as const
export type ShortfallCode = (typeof SHORTFALL_CODES)[number]

/** Why one hazardous factor of a facility is not monitored. */
export interface ShortfallReason {
  factor: FactorId
  code: ShortfallCode
  /** The sensors concerned: the best one for coverage, the excluded ones for calibration. */
  sensorIds: string[]
  /** low-coverage and no-data: the best coverage found, 0–1. */
  coverage?: number
  /** low-coverage and no-data: the coverage required, 0–1. */
  required?: number
  /** calibration-overdue: the latest due date among the excluded sensors. */
  calibrationDue?: number
  /** In English, for logs and CSV; pages compose their own from the code and figures. */
  message: string
}

export interface FactorCoverage {
  factor: FactorId
  covered: boolean
  /** Best coverage (0–1) among the sensors that count; 0 when none does. */
  coverage: number
  sensorId?: string
}

export interface FacilityAssessment {
  facilityId: string
  /** Has hazardous factors registered: counts in the base. */
  hazardous: boolean
  /** Hazardous, and every hazardous factor covered. */
  monitored: boolean
  factors: FactorCoverage[]
  /** Empty when monitored or not hazardous. */
  reasons: ShortfallReason[]
}

const percent = (share: number) => `${Math.round(share * 1000) / 10} %`
/** The local date in Vietnam time, as the report's periods are. */
const isoDate = (time: number) =>
  new Date(time + REPORT_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10)

/**
 * Whether a facility was monitored during a window, and if not, why: see core/coverage/README.md for the
 * definition. Pure: coverage comes in through `hoursWithData`.
 *
 * @example
 * assessFacility({ facility, sensors, hoursWithData, window: { from, to }, rules: DEFAULT_COVERAGE_RULES })
 * // { monitored: false, reasons: [{ factor: 'noise', code: 'low-coverage', coverage: 0.43, … }], … }
 */
export function assessFacility(input: {
  facility: CoverageFacility
  sensors: readonly CoverageSensor[]
  hoursWithData: HoursWithData
  window: CoverageWindow
  rules: CoverageRules
}): FacilityAssessment {
  const { facility, sensors, hoursWithData, window, rules } = input
  const hazards = [...new Set(facility.hazards)]
  if (hazards.length === 0) {
    return { facilityId: facility.id, hazardous: false, monitored: false, factors: [], reasons: [] }
  }
  const weights = workingWeights(facility.shifts, rules.shiftHours)
  const expected = weightedHours(weights, hourOccurrences(window.from, window.to))
  const coverageOf = (sensorId: string, factor: FactorId) => {
    const hours = hoursWithData(sensorId, factor)
    if (hours === undefined || expected <= 0) return 0
    return Math.min(1, weightedHours(weights, hours) / expected)
  }
  const overdueAfter = window.to - rules.calibrationGraceDays * DAY_MS

  const factors: FactorCoverage[] = []
  const reasons: ShortfallReason[] = []
  for (const factor of hazards) {
    const candidates = sensors.filter((s) => s.facilityId === facility.id && s.factors.includes(factor))
    if (candidates.length === 0) {
      factors.push({ factor, covered: false, coverage: 0 })
      reasons.push({
        factor,
        code: 'no-sensor',
        sensorIds: [],
        message: `no sensor registered for ${factor}`,
      })
      continue
    }
    const overdue = candidates.filter(
      (s) => s.calibrationDue !== undefined && s.calibrationDue < overdueAfter,
    )
    const unknown = rules.acceptUnknownCalibration
      ? []
      : candidates.filter((s) => s.calibrationDue === undefined)
    const counting = candidates.filter((s) => !overdue.includes(s) && !unknown.includes(s))

    let best: { sensorId: string; coverage: number } | undefined
    for (const sensor of counting) {
      const coverage = coverageOf(sensor.id, factor)
      if (best === undefined || coverage > best.coverage) best = { sensorId: sensor.id, coverage }
    }
    const covered = best !== undefined && best.coverage >= rules.minCoverage
    factors.push({ factor, covered, coverage: best?.coverage ?? 0, sensorId: best?.sensorId })
    if (covered) continue

    if (best !== undefined) {
      const { sensorId, coverage } = best
      reasons.push(
        coverage === 0
          ? {
              factor,
              code: 'no-data',
              sensorIds: [sensorId],
              coverage,
              required: rules.minCoverage,
              message: `no ${factor} data in working hours from ${counting.map((s) => s.id).join(', ')}`,
            }
          : {
              factor,
              code: 'low-coverage',
              sensorIds: [sensorId],
              coverage,
              required: rules.minCoverage,
              message: `${factor} coverage ${percent(coverage)} < ${percent(rules.minCoverage)} of working hours (best: ${sensorId})`,
            },
      )
    }
    if (overdue.length > 0) {
      const due = Math.max(...overdue.map((s) => s.calibrationDue as number))
      reasons.push({
        factor,
        code: 'calibration-overdue',
        sensorIds: overdue.map((s) => s.id),
        calibrationDue: due,
        message: `${factor}: calibration overdue on ${overdue.map((s) => s.id).join(', ')} (due ${isoDate(due)})`,
      })
    }
    if (unknown.length > 0) {
      reasons.push({
        factor,
        code: 'calibration-unknown',
        sensorIds: unknown.map((s) => s.id),
        message: `${factor}: no calibration date registered for ${unknown.map((s) => s.id).join(', ')}`,
      })
    }
  }
  return { facilityId: facility.id, hazardous: true, monitored: reasons.length === 0, factors, reasons }
}
