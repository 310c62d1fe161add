import type { FactorId } from '../../core/factors.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../core/shifts.ts'
import { ConflictError } from '../../registry/errors.ts'
import type { NewFacility, Registry } from '../../registry/types.ts'
import { DEVICE_MODELS } from '../../simulators/devices.ts'
import { type GenerateFleetOptions, generateFleet } from '../../simulators/fleet.ts'

/** Stands for a hashed secret: the bench's publishers log in as the service, never as these sensors. */
export const NO_LOGIN_HASH = 'bench-sensor-without-login'

/** A bench facility: the registry's defaults, judged on QCVN, noise its hazard. */
export function benchFacility(id: string): NewFacility {
  return {
    id,
    name: `Facility ${id}`,
    province: 'Hà Nội',
    sector: 'cement',
    address: '',
    hazards: ['noise'],
    profile: 'qcvn',
    shifts: DEFAULT_SHIFT_PATTERN,
    workers: 50,
  }
}

export interface ExtraSensors {
  facilityId: string
  sensorIds: string[]
}

/**
 * Registers a fleet's sensors (and extra noise sensors) straight into a registry, SQLite or PostgreSQL:
 * the API would hash a fresh secret with scrypt for each, tens of ms apiece. Returns how many sensors
 * were new; those registered by an earlier run stay as they are.
 */
export async function registerFleet(
  registry: Pick<Registry, 'getFacility' | 'createFacility' | 'createSensor'>,
  fleet: GenerateFleetOptions,
  extra: readonly ExtraSensors[] = [],
): Promise<number> {
  const jobs: [string, string, FactorId[]][] = []
  for (const facility of generateFleet(fleet).facilities) {
    for (const sensor of facility.sensors) {
      jobs.push([facility.id, sensor.id, [...DEVICE_MODELS[sensor.model].factors]])
    }
  }
  for (const more of extra) {
    for (const sensorId of more.sensorIds) jobs.push([more.facilityId, sensorId, ['noise']])
  }
  const facilities = new Set<string>()
  let created = 0
  for (const [facilityId, sensorId, factors] of jobs) {
    if (!facilities.has(facilityId)) {
      facilities.add(facilityId)
      if ((await registry.getFacility(facilityId)) === undefined) {
        await registry.createFacility(benchFacility(facilityId))
      }
    }
    try {
      await registry.createSensor(
        // A fleet in service: commissioned, as the throughput measured is that of a site in operation.
        {
          id: sensorId,
          facilityId,
          model: 'bench',
          serial: sensorId,
          factors,
          reportingIntervalS: 60,
          commissionedAt: Date.now(),
        },
        NO_LOGIN_HASH,
      )
      created++
    } catch (err) {
      // Registered by an earlier run on this registry.
      if (!(err instanceof ConflictError)) throw err
    }
  }
  return created
}
