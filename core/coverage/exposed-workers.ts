/**
 * Workers to examine for occupational disease: the workers of the zones where a factor exceeded its limit in
 * the period (Directive 31-CT/TW asks for examinations of workers exposed to hazardous factors to grow by
 * 5 % a year; Law 84/2015/QH13 Art. 21 for the examinations themselves).
 */
import type { AlertKind, AlertLevel } from '../alerts.ts'
import type { MonitoringFactor } from '../campaigns.ts'
import { campaignCountsAt } from '../campaigns.ts'
import type { FactorId } from '../factors.ts'
import type { CoverageCampaign, CoverageFacility, CoverageWindow } from './assess.ts'

/** One factor found over its limit in one zone in the period, and what says so. */
export interface Exceedance {
  facilityId: string
  /** Undefined when the sensor that alarmed is in no zone: its workers cannot be told. */
  zoneId?: string
  factor: MonitoringFactor
  basis: 'alert' | 'campaign'
  /** The alert's sensor, or the campaign's id. */
  evidence: string
}

/** What the verdict needs of an alert (the registry's Alert fits). */
export interface ExceedanceAlert {
  facilityId: string
  sensorId: string
  factor: FactorId
  kind: AlertKind
  level: AlertLevel
  openedAt: number
}

/** Alerts that mean a factor's exposure was over its limit: a limit reached (alarm) or a ceiling (critical). */
export const VERDICT_ALERT_KINDS: readonly AlertKind[] = ['twa', 'stel', 'ceiling', 'dose', 'heat-stress']
export const VERDICT_ALERT_LEVELS: readonly AlertLevel[] = ['alarm', 'critical']

/**
 * "Exceeds in the period", from what the registry holds today: alarm-level exposure alerts opened in the
 * window (by the zone of their sensor), and campaign measurements with samples over the limit (by their zone).
 * core/exposure's per-figure verdicts, once stored, take the alerts' place here and nowhere else.
 */
export function exceedancesInWindow(input: {
  alerts: readonly ExceedanceAlert[]
  zoneOfSensor: (sensorId: string) => string | undefined
  campaigns: readonly CoverageCampaign[]
  window: CoverageWindow
}): Exceedance[] {
  const { window } = input
  const found: Exceedance[] = []
  for (const alert of input.alerts) {
    if (!VERDICT_ALERT_KINDS.includes(alert.kind) || !VERDICT_ALERT_LEVELS.includes(alert.level)) continue
    if (alert.openedAt < window.from || alert.openedAt >= window.to) continue
    const zoneId = input.zoneOfSensor(alert.sensorId)
    found.push({
      facilityId: alert.facilityId,
      zoneId,
      factor: alert.factor,
      basis: 'alert',
      evidence: alert.sensorId,
    })
  }
  for (const campaign of input.campaigns) {
    const at = campaignCountsAt(campaign.endedOn)
    if (at < window.from || at >= window.to) continue
    for (const m of campaign.measurements) {
      if (m.samplesOverLimit <= 0) continue
      found.push({
        facilityId: campaign.facilityId,
        zoneId: m.zoneId,
        factor: m.factor,
        basis: 'campaign',
        evidence: campaign.id,
      })
    }
  }
  return found
}

/** What the count needs of a zone (the registry's Zone fits). */
export interface WorkerZone {
  id: string
  facilityId: string
  name: string
  workers?: number
}

export interface ExposedZone {
  zoneId: string
  name: string
  /** Undefined when the zone's number of workers is not registered. */
  workers?: number
  factors: MonitoringFactor[]
  /** Alerts' sensors and campaigns that found the exceedances. */
  evidence: string[]
}

export interface ExposedFacility {
  facilityId: string
  name: string
  province: string
  provinceCode?: string
  sector: string
  /** The facility's total. */
  workers: number
  /** Workers of its zones that exceeded, at most `workers`. */
  exposedWorkers: number
  factors: MonitoringFactor[]
  zones: ExposedZone[]
  /** Exceedances on sensors in no zone: the facility must be called, its workers counted by hand. */
  unattributed: { factor: MonitoringFactor; evidence: string[] }[]
  /** Some exceeding zone has no worker count: `exposedWorkers` is a lower bound. */
  workersUnknown: boolean
}

export interface ExposedWorkers {
  exposedWorkers: number
  /** Per factor: workers in zones that exceeded it (one worker can count under several factors). */
  byFactor: { factor: MonitoringFactor; exposedWorkers: number; facilities: number }[]
  facilities: ExposedFacility[]
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

/**
 * Counts the workers of the zones with an exceedance, overall, per factor and per facility (each facility's
 * count capped at its registered total: zones may overlap). Facilities not in `facilities` are ignored.
 *
 * @example
 * exposedWorkers({ facilities, zones, exceedances }).exposedWorkers // 40: the grinding zone's workers
 */
export function exposedWorkers(input: {
  facilities: readonly CoverageFacility[]
  zones: readonly WorkerZone[]
  exceedances: readonly Exceedance[]
}): ExposedWorkers {
  const zoneById = new Map(input.zones.map((zone) => [zone.id, zone]))
  const byFacility = new Map<string, Exceedance[]>()
  for (const e of input.exceedances) {
    const list = byFacility.get(e.facilityId) ?? []
    list.push(e)
    byFacility.set(e.facilityId, list)
  }
  const facilities: ExposedFacility[] = []
  const byFactor = new Map<MonitoringFactor, { workers: number; facilities: number }>()
  for (const facility of input.facilities) {
    const found = byFacility.get(facility.id)
    if (found === undefined) continue
    const zones = new Map<string, ExposedZone>()
    const unattributed = new Map<MonitoringFactor, Set<string>>()
    for (const e of found) {
      const zone = e.zoneId === undefined ? undefined : zoneById.get(e.zoneId)
      if (zone === undefined || zone.facilityId !== facility.id) {
        unattributed.set(e.factor, (unattributed.get(e.factor) ?? new Set()).add(e.evidence))
        continue
      }
      const entry = zones.get(zone.id) ?? {
        zoneId: zone.id,
        name: zone.name,
        ...(zone.workers === undefined ? {} : { workers: zone.workers }),
        factors: [],
        evidence: [],
      }
      if (!entry.factors.includes(e.factor)) entry.factors.push(e.factor)
      if (!entry.evidence.includes(e.evidence)) entry.evidence.push(e.evidence)
      zones.set(zone.id, entry)
    }
    const total = facility.workers ?? 0
    const cap = (n: number) => (facility.workers === undefined ? n : Math.min(total, n))
    const zoneList = [...zones.values()].sort((a, b) => a.zoneId.localeCompare(b.zoneId))
    const factors = [...new Set(found.map((e) => e.factor))].sort()
    for (const factor of factors) {
      const workers = cap(sum(zoneList.filter((z) => z.factors.includes(factor)).map((z) => z.workers ?? 0)))
      const row = byFactor.get(factor) ?? { workers: 0, facilities: 0 }
      byFactor.set(factor, { workers: row.workers + workers, facilities: row.facilities + 1 })
    }
    facilities.push({
      facilityId: facility.id,
      name: facility.name,
      province: facility.province,
      provinceCode: facility.provinceCode,
      sector: facility.sector,
      workers: total,
      exposedWorkers: cap(sum(zoneList.map((z) => z.workers ?? 0))),
      factors,
      zones: zoneList,
      unattributed: [...unattributed].map(([factor, evidence]) => ({
        factor,
        evidence: [...evidence].sort(),
      })),
      workersUnknown: zoneList.some((z) => z.workers === undefined),
    })
  }
  facilities.sort(
    (a, b) => a.province.localeCompare(b.province, 'vi') || a.facilityId.localeCompare(b.facilityId),
  )
  return {
    exposedWorkers: sum(facilities.map((f) => f.exposedWorkers)),
    byFactor: [...byFactor]
      .map(([factor, row]) => ({ factor, exposedWorkers: row.workers, facilities: row.facilities }))
      .sort((a, b) => b.exposedWorkers - a.exposedWorkers || a.factor.localeCompare(b.factor)),
    facilities,
  }
}
