import { DatabaseSync } from 'node:sqlite'
import { sqliteRegistryPath } from '../../registry/open.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import { sensorRepository } from '../../registry/sqlite/sensors.ts'
import { DEVICE_MODELS } from '../../simulators/devices.ts'
import { type GenerateFleetOptions, generateFleet } from '../../simulators/fleet.ts'
import { benchFacility, NO_LOGIN_HASH } from './fleet-registration.ts'

/**
 * Registers a simulated fleet into a fresh data directory's SQLite registry, as fast as SQLite goes: the
 * facilities through the registry (each its own small transaction), the sensors in one transaction. This
 * is a fixture, not what is measured: one by one through the registry, 100,000 sensors took minutes.
 */
export async function registerFleetInBulk(
  dataDir: string,
  fleetOptions: GenerateFleetOptions,
  reportingIntervalS: number,
): Promise<{ facilities: number; sensors: number }> {
  const path = sqliteRegistryPath({ QUANTRAC_DATA_DIR: dataDir })
  const fleet = generateFleet(fleetOptions)
  // Opened first through the registry, so the migrations run as they do at start-up.
  const registry = openSqliteRegistry(path)
  try {
    for (const facility of fleet.facilities) {
      await registry.createFacility(benchFacility(facility.id))
    }
  } finally {
    registry.close()
  }
  const db = new DatabaseSync(path)
  let sensors = 0
  try {
    const repository = sensorRepository(db)
    const commissionedAt = Date.now()
    db.exec('BEGIN')
    for (const facility of fleet.facilities) {
      for (const sensor of facility.sensors) {
        await repository.createSensor(
          {
            id: sensor.id,
            facilityId: facility.id,
            model: 'bench',
            serial: sensor.id,
            factors: [...DEVICE_MODELS[sensor.model].factors],
            reportingIntervalS,
            // A fleet in service: the measurement is of a site in operation.
            commissionedAt,
          },
          NO_LOGIN_HASH,
        )
        sensors++
      }
    }
    db.exec('COMMIT')
  } finally {
    db.close()
  }
  return { facilities: fleet.facilities.length, sensors }
}
