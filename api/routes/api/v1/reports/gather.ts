import type { Campaign } from '../../../../../core/campaigns.ts'
import type { HoursWithData } from '../../../../../core/coverage/assess.ts'
import { reportWindows } from '../../../../../core/coverage/evaluate.ts'
import {
  VERDICT_ALERT_KINDS,
  VERDICT_ALERT_LEVELS,
  type WorkerZone,
} from '../../../../../core/coverage/exposed-workers.ts'
import type { Period } from '../../../../../core/coverage/period.ts'
import { EXCEEDANCE_KINDS, EXCEEDANCE_LEVELS, type ReportAlert } from '../../../../../core/coverage/report.ts'
import type { FactorId } from '../../../../../core/factors.ts'
import type { AlertRepository, Facility, Page, Registry, Sensor } from '../../../../../registry/types.ts'
import type { CoverageSeries, TimeSeriesStore } from '../../../../../store/types.ts'

const PAGE = 500

export async function allPages<T>(
  read: (page: { limit: number; offset: number }) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await read({ limit: PAGE, offset })
    items.push(...page.items)
    if (page.items.length < PAGE || offset + PAGE >= page.total) return items
  }
}

const counted = (alert: ReportAlert) =>
  (EXCEEDANCE_KINDS.includes(alert.kind) && EXCEEDANCE_LEVELS.includes(alert.level)) ||
  (VERDICT_ALERT_KINDS.includes(alert.kind) && VERDICT_ALERT_LEVELS.includes(alert.level))

/**
 * TWA/STEL alarms and the other alerts that mean a limit was exceeded, opened since `from`. The repository
 * lists newest first, so paging stops at the first page that reaches back before `from`.
 */
async function exceedanceAlerts(alerts: AlertRepository, from: number): Promise<ReportAlert[]> {
  const found = new Map<string, ReportAlert>()
  for (let offset = 0; ; offset += PAGE) {
    const page = await alerts.list({ limit: PAGE, offset })
    for (const alert of page.items) {
      if (alert.openedAt >= from && counted(alert)) found.set(alert.id, alert)
    }
    const oldest = page.items.at(-1)
    if (oldest === undefined || oldest.openedAt < from || offset + PAGE >= page.total)
      return [...found.values()]
  }
}

function lookup(coverage: { sensorId: string; factor: FactorId; hoursByUtcHour: number[] }[]): HoursWithData {
  const byKey = new Map(coverage.map((c) => [`${c.sensorId}\u0000${c.factor}`, c.hoursByUtcHour]))
  return (sensorId, factor) => byKey.get(`${sensorId}\u0000${factor}`)
}

/** The campaigns of `facilities` counting in [from, to), read in pages of facilities. */
export async function campaignsOf(
  registry: Registry,
  facilities: readonly Facility[],
  window: { from: number; to: number },
): Promise<Campaign[]> {
  const campaigns: Campaign[] = []
  for (let i = 0; i < facilities.length; i += PAGE) {
    const facilityIds = facilities.slice(i, i + PAGE).map((f) => f.id)
    campaigns.push(
      ...(await allPages((page) =>
        registry.listCampaigns({ ...page, facilityIds, countsFrom: window.from, countsBefore: window.to }),
      )),
    )
  }
  return campaigns
}

/**
 * Reads what a coverage report needs: the facilities in scope, their sensors, the hours with data of every
 * sensor's hazardous factors in the period and the one before, the campaigns of both, the exceedance alerts,
 * and the zones (with their workers) of the facilities where something exceeded.
 */
export async function gatherCoverage(
  services: { registry: Registry; store: TimeSeriesStore; alerts: AlertRepository },
  query: { period: Period; asOf: number; ids?: readonly string[]; provinceCode?: string; sector?: string },
) {
  const { registry, store, alerts } = services
  const windows = reportWindows(query.period, query.asOf)
  const facilities: Facility[] = await allPages((page) =>
    registry.listFacilities({
      ...page,
      ids: query.ids,
      provinceCode: query.provinceCode,
      sector: query.sector,
    }),
  )
  const hazardous = facilities.filter((f) => f.hazards.length > 0)
  const sensors: Sensor[] = []
  for (let i = 0; i < hazardous.length; i += PAGE) {
    const facilityIds = hazardous.slice(i, i + PAGE).map((f) => f.id)
    sensors.push(...(await allPages((page) => registry.listSensors({ ...page, facilityIds }))))
  }
  const hazardsOf = new Map(hazardous.map((f) => [f.id, new Set(f.hazards)]))
  const series: CoverageSeries[] = sensors.flatMap((sensor) =>
    sensor.factors
      .filter((factor) => hazardsOf.get(sensor.facilityId)?.has(factor))
      .map((factor) => ({ sensorId: sensor.id, factor })),
  )
  const inScope = new Set(facilities.map((f) => f.id))
  const [current, before, found, campaigns] = await Promise.all([
    store.readingCoverage({ series, ...windows.current }),
    store.readingCoverage({ series, ...windows.before }),
    exceedanceAlerts(alerts, query.period.start),
    campaignsOf(registry, facilities, { from: windows.before.from, to: windows.current.to }),
  ])
  const exceedances = found.filter((alert) => inScope.has(alert.facilityId))
  // Alerts reach sensors the hazardous-facility read above may have left out.
  const alerting = new Set(exceedances.map((a) => a.facilityId))
  const known = new Set(sensors.map((s) => s.facilityId))
  const missing = [...alerting].filter((id) => !known.has(id))
  if (missing.length > 0) {
    sensors.push(...(await allPages((page) => registry.listSensors({ ...page, facilityIds: missing }))))
  }
  const withExceedance = new Set([
    ...alerting,
    ...campaigns.filter((c) => c.measurements.some((m) => m.samplesOverLimit > 0)).map((c) => c.facilityId),
  ])
  const zones: WorkerZone[] = []
  for (const facilityId of withExceedance) zones.push(...(await registry.listZones(facilityId)))
  return {
    facilities,
    sensors: sensors.map((sensor) => ({ ...sensor, commissionedAt: sensor.commissioning.commissionedAt })),
    current: lookup(current),
    before: lookup(before),
    alerts: exceedances,
    campaigns,
    zones,
  }
}
