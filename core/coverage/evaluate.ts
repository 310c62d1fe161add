import { assessFacility, type CoverageFacility, type CoverageSensor, type HoursWithData } from './assess.ts'
import { judgedWindow, type Period, previousPeriod } from './period.ts'
import { buildCoverageReport, type CoverageReport, type ReportAlert } from './report.ts'
import type { CoverageRules } from './rules.ts'

/** A period that has not started yet: there is nothing to report. */
export class PeriodNotStartedError extends RangeError {
  override name = 'PeriodNotStartedError'
}

/** The windows a report of `period` judges at `asOf`: the period so far, and the whole previous period. */
export function reportWindows(period: Period, asOf: number) {
  const current = judgedWindow(period, asOf)
  if (current === undefined) throw new PeriodNotStartedError(`period ${period.label} has not started yet`)
  const previous = previousPeriod(period)
  return { current, previous, before: { from: previous.start, to: previous.end } }
}

/**
 * Assesses every facility for the period and the one before, and builds the report.
 *
 * @example
 * const windows = reportWindows(parsePeriod('2025'), Date.now())
 * // …read hours with data for windows.current and windows.before from the store…
 * coverageReport({ period, asOf: Date.now(), facilities, sensors, current, before, alerts, rules })
 */
export function coverageReport(input: {
  period: Period
  asOf: number
  facilities: readonly CoverageFacility[]
  sensors: readonly CoverageSensor[]
  /** Hours with data in the current window and in the previous period. */
  current: HoursWithData
  before: HoursWithData
  alerts: readonly ReportAlert[]
  rules: CoverageRules
}): CoverageReport {
  const { period, facilities, rules } = input
  const windows = reportWindows(period, input.asOf)
  const sensorsOf = new Map<string, CoverageSensor[]>()
  for (const sensor of input.sensors) {
    const list = sensorsOf.get(sensor.facilityId)
    if (list === undefined) sensorsOf.set(sensor.facilityId, [sensor])
    else list.push(sensor)
  }
  const assess = (hoursWithData: HoursWithData, window: { from: number; to: number }) =>
    new Map(
      facilities.map((facility) => [
        facility.id,
        assessFacility({ facility, sensors: sensorsOf.get(facility.id) ?? [], hoursWithData, window, rules }),
      ]),
    )
  return buildCoverageReport({
    period,
    previous: windows.previous,
    evaluatedUntil: windows.current.to,
    facilities,
    current: assess(input.current, windows.current),
    before: assess(input.before, windows.before),
    alerts: input.alerts,
    rules,
  })
}
