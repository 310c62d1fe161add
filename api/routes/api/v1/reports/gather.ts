import type { HoursWithData } from '../../../../../core/coverage/assess.ts'
import { reportWindows } from '../../../../../core/coverage/evaluate.ts'
import type { Period } from '../../../../../core/coverage/period.ts'
import { EXCEEDANCE_KINDS, EXCEEDANCE_LEVELS, type ReportAlert } from '../../../../../core/coverage/report.ts'
import type { FactorId } from '../../../../../core/factors.ts'
import type { AlertRepository, Facility, Page, Registry, Sensor } from '../../../../../registry/types.ts'
import type { CoverageSeries, TimeSeriesStore } from '../../../../../store/types.ts'

const PAGE = 500

async function allPages<T>(
  read: (page: { limit: number; offset: number }) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await read({ limit: PAGE, offset })
    items.push(...page.items)
    if (page.items.length < PAGE || offset + PAGE >= page.total) return items
  }
}

/**
 * TWA/STEL alarms opened since `from`. The repository lists newest first, so paging stops at the first page
 * that reaches back before `from`.
 */
async function exceedanceAlerts(alerts: AlertRepository, from: number): Promise<ReportAlert[]> {
  const found = new Map<string, ReportAlert>()
  for (let offset = 0; ; offset += PAGE) {
    const page = await alerts.list({ limit: PAGE, offset })
    for (const alert of page.items) {
      if (alert.openedAt < from) continue
      if (EXCEEDANCE_KINDS.includes(alert.kind) && EXCEEDANCE_LEVELS.includes(alert.level)) {
        found.set(alert.id, alert)
      }
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

/**
 * Reads what a coverage report needs: the facilities in scope, their sensors, the hours with data of every
 * sensor's hazardous factors in the period and the one before, and the exceedance alerts.
 */
export async function gatherCoverage(
  services: { registry: Registry; store: TimeSeriesStore; alerts: AlertRepository },
  query: { period: Period; asOf: number; ids?: readonly string[]; province?: string; sector?: string },
) {
  const { registry, store, alerts } = services
  const windows = reportWindows(query.period, query.asOf)
  const facilities: Facility[] = await allPages((page) =>
    registry.listFacilities({ ...page, ids: query.ids, province: query.province, sector: query.sector }),
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
  const [current, before, exceedances] = await Promise.all([
    store.readingCoverage({ series, ...windows.current }),
    store.readingCoverage({ series, ...windows.before }),
    exceedanceAlerts(alerts, query.period.start),
  ])
  return {
    facilities,
    sensors,
    current: lookup(current),
    before: lookup(before),
    alerts: exceedances,
  }
}
