import type { FactorId } from '../core/factors.ts'
import { DEFAULT_SHIFT_PATTERN } from '../core/shifts.ts'
import { newSensorSecret } from '../registry/credentials.ts'
import type { Registry } from '../registry/types.ts'
import type { Fleet } from './fleet.ts'

export interface RegisterOptions {
  /** Owner and contractor organisations to link the facilities to; they must exist. */
  ownerId?: string
  contractorIds?: string[]
}

/**
 * Registers a simulated fleet as a contractor would: its facilities (hazards = the factors its sensors
 * measure), zones and sensors, each sensor with fresh MQTT credentials. Safe to run again: facilities are
 * updated, existing sensors get new credentials. Returns each sensor's password, for the publisher.
 */
export async function registerFleet(
  registry: Registry,
  fleet: Fleet,
  options: RegisterOptions = {},
): Promise<Map<string, string>> {
  const passwords = new Map<string, string>()
  for (const { sensors, ...facility } of fleet.facilities) {
    await registry.upsertFacility({
      ...facility,
      address: '',
      ownerId: options.ownerId,
      contractorIds: options.contractorIds ?? [],
      hazards: [...new Set(sensors.flatMap((sensor) => sensor.factors as FactorId[]))],
      shifts: DEFAULT_SHIFT_PATTERN,
      workers: 120,
    })
    const zones = new Map((await registry.listZones(facility.id)).map((zone) => [zone.name, zone.id]))
    for (const sensor of sensors) {
      let zoneId = zones.get(sensor.zone)
      if (zoneId === undefined) {
        zoneId = `${facility.id}-z${zones.size + 1}`
        await registry.createZone({ id: zoneId, facilityId: facility.id, name: sensor.zone })
        zones.set(sensor.zone, zoneId)
      }
      const { password, hash } = await newSensorSecret()
      passwords.set(sensor.id, password)
      if ((await registry.getSensor(sensor.id)) === undefined) {
        await registry.createSensor(
          { ...sensor, facilityId: facility.id, zoneId, serial: `SIM-${sensor.id}` },
          hash,
        )
      } else {
        await registry.setSensorSecret(sensor.id, hash)
      }
    }
  }
  return passwords
}
