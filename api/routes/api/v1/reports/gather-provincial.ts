import { commissionedBefore } from '../../../../../core/commissioning.ts'
import {
  type ProvincialReport,
  provincialReport,
  type SensorSamples,
} from '../../../../../core/coverage/annex.ts'
import {
  campaignsIn,
  coverageReport,
  registeredBy,
  reportWindows,
} from '../../../../../core/coverage/evaluate.ts'
import type { Period } from '../../../../../core/coverage/period.ts'
import type { CoverageRules } from '../../../../../core/coverage/rules.ts'
import { countSamples } from '../../../../../core/coverage/samples.ts'
import { limitsFor } from '../../../../../core/limits/index.ts'
import type { Province } from '../../../../../core/provinces/index.ts'
import type { AlertRepository, Registry, Sensor, Zone } from '../../../../../registry/types.ts'
import type { TimeSeriesStore } from '../../../../../store/types.ts'
import { allPages, gatherCoverage } from './gather.ts'

const HOUR_MS = 3_600_000
/** Hourly series read at once: one query each, a year of hours at most. */
const SERIES_CONCURRENCY = 4

/**
 * Reads and builds the provincial report's monitoring section: the province's facilities registered by the
 * end of the window, their zones and every sensor's hourly aggregates (samples.ts turns them into samples),
 * the campaigns counting in the window, and the coverage report's count of monitored facilities.
 */
export async function gatherProvincial(
  services: { registry: Registry; store: TimeSeriesStore; alerts: AlertRepository },
  query: { period: Period; asOf: number; province: Province; rules: CoverageRules },
): Promise<ProvincialReport> {
  const { registry, store } = services
  const { period, asOf, province, rules } = query
  const windows = reportWindows(period, asOf)
  const inputs = await gatherCoverage(services, { period, asOf, provinceCode: province.code })
  const coverage = coverageReport({ period, asOf, rules, ...inputs })
  const facilities = registeredBy(inputs.facilities, windows.current.to)
  const facilityById = new Map(facilities.map((f) => [f.id, f]))

  const sensors: Sensor[] = []
  const zones: Zone[] = []
  for (const facility of facilities) zones.push(...(await registry.listZones(facility.id)))
  for (let i = 0; i < facilities.length; i += 500) {
    const facilityIds = facilities.slice(i, i + 500).map((f) => f.id)
    sensors.push(...(await allPages((page) => registry.listSensors({ ...page, facilityIds }))))
  }
  // A sensor still commissioning at the window's end is not yet trusted for the report (core/commissioning.ts).
  const series = sensors
    .filter((sensor) => commissionedBefore(sensor.commissioning.commissionedAt, windows.current.to))
    .flatMap((sensor) => sensor.factors.map((factor) => ({ sensor, factor })))
  const sensorSamples: SensorSamples[] = []
  let next = 0
  async function worker() {
    while (next < series.length) {
      const { sensor, factor } = series[next++]!
      const facility = facilityById.get(sensor.facilityId)!
      const hours = await store.readingSeries({
        sensorId: sensor.id,
        factor,
        ...windows.current,
        intervalMs: HOUR_MS,
      })
      sensorSamples.push({
        facilityId: sensor.facilityId,
        sensorId: sensor.id,
        zoneId: sensor.zoneId,
        factor,
        count: countSamples({
          hours,
          shifts: facility.shifts,
          shiftHours: rules.shiftHours,
          calibrationDue: sensor.calibrationDue,
          calibrationGraceDays: rules.calibrationGraceDays,
          limits: limitsFor(facility.profile, factor, sensor.limitVariant),
        }),
      })
    }
  }
  await Promise.all(Array.from({ length: SERIES_CONCURRENCY }, worker))
  sensorSamples.sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.factor.localeCompare(b.factor))

  return provincialReport({
    period,
    evaluatedUntil: windows.current.to,
    province: { code: province.code, name: province.name },
    facilities,
    zones,
    sensorSamples,
    campaigns: campaignsIn(inputs.campaigns, windows.current),
    monitoredFacilities: coverage.monitoredFacilities,
  })
}
