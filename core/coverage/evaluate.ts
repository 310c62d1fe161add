import { campaignCountsAt } from '../campaigns.ts'
import {
  assessFacility,
  type CoverageCampaign,
  type CoverageFacility,
  type CoverageSensor,
  type CoverageWindow,
  type HoursWithData,
} from './assess.ts'
import { exceedancesInWindow, exposedWorkers, type WorkerZone } from './exposed-workers.ts'
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

/** Facilities registered before the end of a window: one registered later is not counted in it. */
export function registeredBy<T extends Pick<CoverageFacility, 'registeredAt'>>(
  facilities: readonly T[],
  end: number,
): T[] {
  return facilities.filter((f) => f.registeredAt === undefined || f.registeredAt < end)
}

/** The campaigns that count in a window: those whose last day of sampling lies in it. */
export function campaignsIn<T extends Pick<CoverageCampaign, 'endedOn'>>(
  campaigns: readonly T[],
  window: CoverageWindow,
): T[] {
  return campaigns.filter((c) => {
    const at = campaignCountsAt(c.endedOn)
    return at >= window.from && at < window.to
  })
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
  /** Alerts opened since the previous period's start: TWA/STEL alarms and the other exposure verdicts. */
  alerts: readonly ReportAlert[]
  /** Campaigns of the facilities; each counts in the window that holds its last day. */
  campaigns?: readonly CoverageCampaign[]
  /** Zones of the facilities, with their workers: who to examine where a factor exceeded. */
  zones?: readonly WorkerZone[]
  rules: CoverageRules
}): CoverageReport {
  const { period, rules } = input
  const windows = reportWindows(period, input.asOf)
  const campaigns = input.campaigns ?? []
  const sensorsOf = new Map<string, CoverageSensor[]>()
  for (const sensor of input.sensors) {
    const list = sensorsOf.get(sensor.facilityId)
    if (list === undefined) sensorsOf.set(sensor.facilityId, [sensor])
    else list.push(sensor)
  }
  const campaignsOf = (window: CoverageWindow) => {
    const byFacility = new Map<string, CoverageCampaign[]>()
    for (const campaign of campaignsIn(campaigns, window)) {
      byFacility.set(campaign.facilityId, [...(byFacility.get(campaign.facilityId) ?? []), campaign])
    }
    return byFacility
  }
  const assess = (
    facilities: readonly CoverageFacility[],
    hoursWithData: HoursWithData,
    window: CoverageWindow,
  ) => {
    const inWindow = campaignsOf(window)
    return new Map(
      facilities.map((facility) => [
        facility.id,
        assessFacility({
          facility,
          sensors: sensorsOf.get(facility.id) ?? [],
          hoursWithData,
          campaigns: inWindow.get(facility.id) ?? [],
          window,
          rules,
        }),
      ]),
    )
  }
  const facilities = registeredBy(input.facilities, windows.current.to)
  const previousFacilities = registeredBy(input.facilities, windows.before.to)
  const zoneOf = new Map(input.sensors.map((s) => [s.id, s.zoneId]))
  const exposed = exposedWorkers({
    facilities,
    zones: input.zones ?? [],
    exceedances: exceedancesInWindow({
      alerts: input.alerts,
      zoneOfSensor: (sensorId) => zoneOf.get(sensorId),
      campaigns,
      window: windows.current,
    }),
  })
  return buildCoverageReport({
    period,
    previous: windows.previous,
    evaluatedUntil: windows.current.to,
    facilities,
    previousFacilities,
    registeredLater: input.facilities.length - facilities.length,
    current: assess(facilities, input.current, windows.current),
    before: assess(previousFacilities, input.before, windows.before),
    alerts: input.alerts,
    exposed,
    rules,
  })
}
