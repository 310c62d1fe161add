import type { AlertKind, AlertLevel } from '../alerts.ts'
import { FACTOR_IDS, type FactorId } from '../factors.ts'
import type {
  CoverageFacility,
  CoverageSource,
  FacilityAssessment,
  FactorCoverage,
  ShortfallReason,
} from './assess.ts'
import type { ExposedFacility, ExposedWorkers } from './exposed-workers.ts'
import type { Period } from './period.ts'
import type { CoverageRules } from './rules.ts'
import { type GrowthJudgement, judgeGrowth, targetPercent } from './target.ts'

/** What the exceedance statistics need of an alert (the registry's Alert fits). */
export interface ReportAlert {
  facilityId: string
  sensorId: string
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
    /** A province's 2-digit code ('' when the registry could not check it); absent for sectors. */
    code?: string
    previousMonitoredFacilities: number
    /** Workers in zones where a factor exceeded its limit in the period (exposed-workers.ts). */
    exposedWorkers: number
  }

export interface Shortfall {
  facilityId: string
  name: string
  province: string
  sector: string
  hazards: FactorId[]
  reasons: ShortfallReason[]
}

/** One facility of the base and what counted it: the list behind `monitoredFacilities`. */
export interface AssessedFacility {
  facilityId: string
  name: string
  province: string
  provinceCode?: string
  sector: string
  monitored: boolean
  /** What counted it (when monitored) or covered some of its factors. */
  sources: CoverageSource[]
  factors: FactorCoverage[]
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
  /** Monitored facilities by what counted them: sensors only, campaigns only, or both together. */
  monitoredBySource: { continuous: number; campaign: number; both: number }
  /** Every facility of the base, monitored or not, with the source of each factor. */
  facilities: AssessedFacility[]
  /** Facilities in scope registered after the judged window: counted in no figure. */
  facilitiesRegisteredLater: number
  exposedWorkers: number
  exposedWorkersByFactor: ExposedWorkers['byFactor']
  /** The facilities behind `exposedWorkers`: whom the health department calls. */
  exposedFacilities: ExposedFacility[]
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
  /** The facilities registered by the end of `period`'s judged window, and by the end of `previous`. */
  facilities: readonly CoverageFacility[]
  previousFacilities: readonly CoverageFacility[]
  registeredLater: number
  /** By facility id: the assessment of `period` and of `previous`. */
  current: ReadonlyMap<string, FacilityAssessment>
  before: ReadonlyMap<string, FacilityAssessment>
  alerts: readonly ReportAlert[]
  exposed: ExposedWorkers
  rules: CoverageRules
}): CoverageReport {
  const { period, previous, facilities, previousFacilities, current, before, rules, evaluatedUntil } = input
  const target = targetPercent(period.months, rules.annualTargetPercent)
  const assessmentOf = (map: ReadonlyMap<string, FacilityAssessment>, id: string) => {
    const assessment = map.get(id)
    if (assessment === undefined) throw new Error(`no assessment for facility ${id}`)
    return assessment
  }

  const overall = counts(facilities.map((f) => assessmentOf(current, f.id)))
  const previousCounts = counts(previousFacilities.map((f) => assessmentOf(before, f.id)))
  const exposedOf = new Map(input.exposed.facilities.map((f) => [f.facilityId, f.exposedWorkers]))

  function tallies(key: 'province' | 'sector'): Tally[] {
    const groups = new Map<string, { now: CoverageFacility[]; before: CoverageFacility[] }>()
    const group = (name: string) => {
      const found = groups.get(name) ?? { now: [], before: [] }
      groups.set(name, found)
      return found
    }
    for (const facility of facilities) group(facility[key]).now.push(facility)
    for (const facility of previousFacilities) group(facility[key]).before.push(facility)
    return [...groups]
      .map(([name, members]): Tally => {
        const now = counts(members.now.map((f) => assessmentOf(current, f.id)))
        const then = counts(members.before.map((f) => assessmentOf(before, f.id)))
        const { requiredFacilities: _, ...judgement } = judge(now, then, target)
        const code = [...members.now, ...members.before][0]?.provinceCode ?? ''
        return {
          name,
          ...(key === 'province' ? { code } : {}),
          ...now,
          previousMonitoredFacilities: then.monitoredFacilities,
          ...judgement,
          exposedWorkers: members.now.reduce((n, f) => n + (exposedOf.get(f.id) ?? 0), 0),
        }
      })
      .sort(byName)
  }

  const assessed: AssessedFacility[] = facilities
    .filter((f) => assessmentOf(current, f.id).hazardous)
    .map((f) => {
      const a = assessmentOf(current, f.id)
      return {
        facilityId: f.id,
        name: f.name,
        province: f.province,
        provinceCode: f.provinceCode,
        sector: f.sector,
        monitored: a.monitored,
        sources: a.sources,
        factors: a.factors,
      }
    })
    .sort((a, b) => a.province.localeCompare(b.province, 'vi') || a.facilityId.localeCompare(b.facilityId))
  const monitoredBySource = { continuous: 0, campaign: 0, both: 0 }
  for (const f of assessed.filter((a) => a.monitored)) {
    if (f.sources.length === 2) monitoredBySource.both++
    else if (f.sources[0] === 'campaign') monitoredBySource.campaign++
    else monitoredBySource.continuous++
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
    monitoredBySource,
    facilities: assessed,
    facilitiesRegisteredLater: input.registeredLater,
    exposedWorkers: input.exposed.exposedWorkers,
    exposedWorkersByFactor: input.exposed.byFactor,
    exposedFacilities: input.exposed.facilities,
    rules,
  }
}
