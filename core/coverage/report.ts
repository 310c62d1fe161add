import type { AlertKind, AlertLevel } from '../alerts.ts'
import { FACTOR_IDS, type FactorId } from '../factors.ts'
import type { CoverageFacility, FacilityAssessment, ShortfallReason } from './assess.ts'
import type { Period } from './period.ts'
import type { CoverageRules } from './rules.ts'
import { type GrowthJudgement, judgeGrowth, targetPercent } from './target.ts'

/** What the exceedance statistics need of an alert (the registry's Alert fits). */
export interface ReportAlert {
  facilityId: string
  factor: FactorId
  kind: AlertKind
  level: AlertLevel
  openedAt: number
}

/** Alerts that count as an exceedance: an 8-h TWA or a 15-min STEL at its limit (alarm) or above. */
export const EXCEEDANCE_KINDS: readonly AlertKind[] = ['twa', 'stel']
export const EXCEEDANCE_LEVELS: readonly AlertLevel[] = ['alarm', 'critical']

export interface Counts {
  hazardousFacilities: number
  monitoredFacilities: number
  /** monitored / hazardous, 0–1 (4 decimals); 0 when there is no hazardous facility. */
  monitoredShare: number
}

export type Tally = Counts &
  Omit<GrowthJudgement, 'requiredFacilities'> & {
    /** The province or sector. */
    name: string
    previousMonitoredFacilities: number
  }

export interface Shortfall {
  facilityId: string
  name: string
  province: string
  sector: string
  hazards: FactorId[]
  reasons: ShortfallReason[]
}

export interface ExceedanceRow {
  factor: FactorId
  /** Facilities with at least one TWA or STEL alarm on the factor in the period. */
  facilities: number
  twaAlerts: number
  stelAlerts: number
  facilityIds: string[]
}

export interface CoverageReport extends Counts, GrowthJudgement {
  period: string
  periodStart: number
  periodEnd: number
  /** The end of what was judged: the period's end, or the last full hour when it is still running. */
  evaluatedUntil: number
  complete: boolean
  /** Facilities in scope without hazardous factors registered: outside the base. */
  facilitiesWithoutHazards: number
  previousPeriod: Counts & { period: string; periodStart: number; periodEnd: number }
  byProvince: Tally[]
  bySector: Tally[]
  shortfalls: Shortfall[]
  exceedances: ExceedanceRow[]
  facilitiesWithExceedances: number
  rules: CoverageRules
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

function counts(assessments: readonly FacilityAssessment[]): Counts {
  const hazardous = assessments.filter((a) => a.hazardous).length
  const monitored = assessments.filter((a) => a.monitored).length
  return {
    hazardousFacilities: hazardous,
    monitoredFacilities: monitored,
    monitoredShare: hazardous === 0 ? 0 : round(monitored / hazardous, 4),
  }
}

function judge(current: Counts, previous: Counts, target: number): GrowthJudgement {
  const judgement = judgeGrowth({
    previous: previous.monitoredFacilities,
    monitored: current.monitoredFacilities,
    hazardous: current.hazardousFacilities,
    targetPercent: target,
  })
  return {
    ...judgement,
    growthPercent: judgement.growthPercent === null ? null : round(judgement.growthPercent, 2),
  }
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'vi')

/**
 * The coverage report of a period: counts, shares and growth against the target, overall, by province and by
 * sector; the facilities that fall short and why; TWA/STEL exceedances by factor. Pure: the facilities,
 * their assessments for both periods and the alerts come in.
 */
export function buildCoverageReport(input: {
  period: Period
  previous: Period
  /** The end of the judged part of `period` (`window.to` of its assessments). */
  evaluatedUntil: number
  facilities: readonly CoverageFacility[]
  /** By facility id: the assessment of `period` and of `previous`. */
  current: ReadonlyMap<string, FacilityAssessment>
  before: ReadonlyMap<string, FacilityAssessment>
  alerts: readonly ReportAlert[]
  rules: CoverageRules
}): CoverageReport {
  const { period, previous, facilities, current, before, rules, evaluatedUntil } = input
  const target = targetPercent(period.months, rules.annualTargetPercent)
  const assessmentOf = (map: ReadonlyMap<string, FacilityAssessment>, id: string) => {
    const assessment = map.get(id)
    if (assessment === undefined) throw new Error(`no assessment for facility ${id}`)
    return assessment
  }

  const overall = counts(facilities.map((f) => assessmentOf(current, f.id)))
  const previousCounts = counts(facilities.map((f) => assessmentOf(before, f.id)))

  function tallies(key: 'province' | 'sector'): Tally[] {
    const groups = new Map<string, CoverageFacility[]>()
    for (const facility of facilities) {
      const group = groups.get(facility[key])
      if (group === undefined) groups.set(facility[key], [facility])
      else group.push(facility)
    }
    return [...groups]
      .map(([name, members]): Tally => {
        const now = counts(members.map((f) => assessmentOf(current, f.id)))
        const then = counts(members.map((f) => assessmentOf(before, f.id)))
        const { requiredFacilities: _, ...judgement } = judge(now, then, target)
        return { name, ...now, previousMonitoredFacilities: then.monitoredFacilities, ...judgement }
      })
      .sort(byName)
  }

  const shortfalls: Shortfall[] = facilities
    .filter((f) => {
      const a = assessmentOf(current, f.id)
      return a.hazardous && !a.monitored
    })
    .map((f) => ({
      facilityId: f.id,
      name: f.name,
      province: f.province,
      sector: f.sector,
      hazards: [...f.hazards],
      reasons: assessmentOf(current, f.id).reasons,
    }))
    .sort((a, b) => a.province.localeCompare(b.province, 'vi') || a.facilityId.localeCompare(b.facilityId))

  const inScope = new Set(facilities.map((f) => f.id))
  const byFactor = new Map<FactorId, { twa: number; stel: number; facilities: Set<string> }>()
  const withExceedances = new Set<string>()
  for (const alert of input.alerts) {
    if (!inScope.has(alert.facilityId)) continue
    if (!EXCEEDANCE_KINDS.includes(alert.kind) || !EXCEEDANCE_LEVELS.includes(alert.level)) continue
    if (alert.openedAt < period.start || alert.openedAt >= evaluatedUntil) continue
    let row = byFactor.get(alert.factor)
    if (row === undefined) {
      row = { twa: 0, stel: 0, facilities: new Set() }
      byFactor.set(alert.factor, row)
    }
    if (alert.kind === 'twa') row.twa++
    else row.stel++
    row.facilities.add(alert.facilityId)
    withExceedances.add(alert.facilityId)
  }
  const exceedances = FACTOR_IDS.flatMap((factor): ExceedanceRow[] => {
    const row = byFactor.get(factor)
    if (row === undefined) return []
    const facilityIds = [...row.facilities].sort()
    return [{ factor, facilities: facilityIds.length, twaAlerts: row.twa, stelAlerts: row.stel, facilityIds }]
  })

  return {
    period: period.label,
    periodStart: period.start,
    periodEnd: period.end,
    evaluatedUntil,
    complete: evaluatedUntil >= period.end,
    ...overall,
    facilitiesWithoutHazards: facilities.length - overall.hazardousFacilities,
    previousPeriod: {
      period: previous.label,
      periodStart: previous.start,
      periodEnd: previous.end,
      ...previousCounts,
    },
    ...judge(overall, previousCounts, target),
    byProvince: tallies('province'),
    bySector: tallies('sector'),
    shortfalls,
    exceedances,
    facilitiesWithExceedances: withExceedances.size,
    rules,
  }
}
