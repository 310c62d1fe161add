import type { Campaign } from '../campaigns.ts'
import { commissionedBefore } from '../commissioning.ts'
import { type FactorId, isFactorId } from '../factors.ts'
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
  /** The province's 2-digit code; '' when the registry could not check it. */
  provinceCode?: string
  sector: string
  hazards: readonly FactorId[]
  shifts: ShiftPattern
  workers?: number
  /** Epoch ms; a period that ended before does not count the facility. Undefined: always counted. */
  registeredAt?: number
}

/** What the definition needs of a campaign (core/campaigns.ts's Campaign fits). */
export type CoverageCampaign = Pick<Campaign, 'id' | 'facilityId' | 'endedOn'> & {
  measurements: readonly Pick<
    Campaign['measurements'][number],
    'factor' | 'samples' | 'zoneId' | 'samplesOverLimit'
  >[]
}

/** What counted a factor, or a facility, as monitored: sensors' readings, a periodic campaign, or both. */
export const COVERAGE_SOURCES = ['continuous', 'campaign'] as const
export type CoverageSource = (typeof COVERAGE_SOURCES)[number]

/** What the definition needs of a sensor (the registry's Sensor fits). */
export interface CoverageSensor {
  id: string
  facilityId: string
  zoneId?: string
  factors: readonly FactorId[]
  calibrationDue?: number
  /**
   * When its commissioning checklist was met (core/commissioning.ts); 0 for a sensor counted as commissioned
   * since before commissioning was tracked; undefined while it is commissioning.
   */
  commissionedAt?: number
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
  'not-in-campaign',
  'not-commissioned',
] as const
export type ShortfallCode = (typeof SHORTFALL_CODES)[number]

/** Why one hazardous factor of a facility is not monitored. */
export interface ShortfallReason {
  factor: FactorId
  code: ShortfallCode
  /** The sensors concerned: the best one for coverage, the excluded ones for calibration or commissioning. */
  sensorIds: string[]
  /** low-coverage and no-data: the best coverage found, 0–1. */
  coverage?: number
  /** low-coverage and no-data: the coverage required, 0–1. */
  required?: number
  /** calibration-overdue: the latest due date among the excluded sensors. */
  calibrationDue?: number
  /** not-in-campaign: the campaigns of the period, none of which measured the factor. */
  campaignIds?: string[]
  /** In English, for logs and CSV; pages compose their own from the code and figures. */
  message: string
}

export interface FactorCoverage {
  factor: FactorId
  covered: boolean
  /** Best coverage (0–1) among the sensors that count; 0 when none does. */
  coverage: number
  sensorId?: string
  /** What covers it: `continuous` when a sensor's coverage is enough, `campaign` when a campaign measured it. */
  sources: CoverageSource[]
  /** The campaigns of the window that took samples of it. */
  campaignIds: string[]
}

export interface FacilityAssessment {
  facilityId: string
  /** Has hazardous factors registered: counts in the base. */
  hazardous: boolean
  /** Hazardous, and every hazardous factor covered. */
  monitored: boolean
  factors: FactorCoverage[]
  /** The sources that covered its factors, each once: what counted the facility when it is monitored. */
  sources: CoverageSource[]
  /** Empty when monitored or not hazardous. */
  reasons: ShortfallReason[]
}

const percent = (share: number) => `${Math.round(share * 1000) / 10} %`
/** The local date in Vietnam time, as the report's periods are. */
const isoDate = (time: number) =>
  new Date(time + REPORT_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10)

/** The campaign ids that sampled each sensor factor, of the campaigns given. */
function campaignsByFactor(campaigns: readonly CoverageCampaign[]): Map<FactorId, string[]> {
  const byFactor = new Map<FactorId, string[]>()
  for (const campaign of campaigns) {
    for (const m of campaign.measurements) {
      if (m.samples <= 0 || !isFactorId(m.factor)) continue
      const ids = byFactor.get(m.factor) ?? []
      if (!ids.includes(campaign.id)) ids.push(campaign.id)
      byFactor.set(m.factor, ids)
    }
  }
  return byFactor
}

/**
 * Whether a facility was monitored during a window, and if not, why: see core/coverage/README.md for the
 * definition. Pure: coverage comes in through `hoursWithData`, campaigns as the list of the facility's
 * campaigns that count in the window.
 *
 * @example
 * assessFacility({ facility, sensors, hoursWithData, campaigns: [], window: { from, to }, rules: DEFAULT_COVERAGE_RULES })
 * // { monitored: false, reasons: [{ factor: 'noise', code: 'low-coverage', coverage: 0.43, … }], … }
 */
export function assessFacility(input: {
  facility: CoverageFacility
  sensors: readonly CoverageSensor[]
  hoursWithData: HoursWithData
  /** The facility's campaigns counting in the window (whose last day lies in it). */
  campaigns?: readonly CoverageCampaign[]
  window: CoverageWindow
  rules: CoverageRules
}): FacilityAssessment {
  const { facility, sensors, hoursWithData, window, rules } = input
  const campaigns = (input.campaigns ?? []).filter((c) => c.facilityId === facility.id)
  const hazards = [...new Set(facility.hazards)]
  if (hazards.length === 0) {
    return {
      facilityId: facility.id,
      hazardous: false,
      monitored: false,
      factors: [],
      sources: [],
      reasons: [],
    }
  }
  const sampledBy = campaignsByFactor(campaigns)
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
    const campaignIds = sampledBy.get(factor) ?? []
    const byCampaign: CoverageSource[] = campaignIds.length > 0 ? ['campaign'] : []
    const candidates = sensors.filter((s) => s.facilityId === facility.id && s.factors.includes(factor))
    if (candidates.length === 0) {
      factors.push({ factor, covered: byCampaign.length > 0, coverage: 0, sources: byCampaign, campaignIds })
      if (byCampaign.length > 0) continue
      reasons.push({
        factor,
        code: 'no-sensor',
        sensorIds: [],
        message: `no sensor registered for ${factor}`,
      })
      reasons.push(...missedByCampaigns(factor, campaigns))
      continue
    }
    // A sensor counts from the window in which it was commissioned: its readings of that window all count.
    const commissioning = candidates.filter((s) => !commissionedBefore(s.commissionedAt, window.to))
    const commissioned = candidates.filter((s) => !commissioning.includes(s))
    const overdue = commissioned.filter(
      (s) => s.calibrationDue !== undefined && s.calibrationDue < overdueAfter,
    )
    const unknown = rules.acceptUnknownCalibration
      ? []
      : commissioned.filter((s) => s.calibrationDue === undefined)
    const counting = commissioned.filter((s) => !overdue.includes(s) && !unknown.includes(s))

    let best: { sensorId: string; coverage: number } | undefined
    for (const sensor of counting) {
      const coverage = coverageOf(sensor.id, factor)
      if (best === undefined || coverage > best.coverage) best = { sensorId: sensor.id, coverage }
    }
    const continuous = best !== undefined && best.coverage >= rules.minCoverage
    const sources: CoverageSource[] = [...(continuous ? (['continuous'] as const) : []), ...byCampaign]
    factors.push({
      factor,
      covered: sources.length > 0,
      coverage: best?.coverage ?? 0,
      sensorId: best?.sensorId,
      sources,
      campaignIds,
    })
    if (sources.length > 0) continue

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
    if (commissioning.length > 0) {
      reasons.push({
        factor,
        code: 'not-commissioned',
        sensorIds: commissioning.map((s) => s.id),
        message: `${factor}: still commissioning ${commissioning.map((s) => s.id).join(', ')}`,
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
    reasons.push(...missedByCampaigns(factor, campaigns))
  }
  const sources = COVERAGE_SOURCES.filter((source) => factors.some((f) => f.sources.includes(source)))
  return {
    facilityId: facility.id,
    hazardous: true,
    monitored: factors.every((f) => f.covered),
    factors,
    sources,
    reasons,
  }
}

/** A factor left uncovered although campaigns were done: they did not sample it. */
function missedByCampaigns(factor: FactorId, campaigns: readonly CoverageCampaign[]): ShortfallReason[] {
  if (campaigns.length === 0) return []
  const ids = campaigns.map((c) => c.id)
  return [
    {
      factor,
      code: 'not-in-campaign',
      sensorIds: [],
      campaignIds: ids,
      message: `${factor} not sampled by campaign ${ids.join(', ')}`,
    },
  ]
}
