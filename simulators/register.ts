import type { FactorId } from '../core/factors.ts'
import { DEFAULT_SHIFT_PATTERN } from '../core/shifts.ts'
import { newSensorSecret } from '../registry/credentials.ts'
import { ConflictError } from '../registry/errors.ts'
import type { Registry } from '../registry/types.ts'
import type { Fleet } from './fleet.ts'

export interface RegisterOptions {
  /** Owner and contractor organisations to link the facilities to; they must exist. */
  ownerId?: string
  contractorIds?: string[]
  /** Seconds between a sensor's messages, the basis of its offline check; the registry's default (60) if absent. */
  reportingIntervalS?: number
  /** Register new sensors as commissioned at this time (NewSensor.commissionedAt), not commissioning. */
  commissionedAt?: number
}

/** What marks a sensor as registered by a simulator: its serial. Only these are ever decommissioned in bulk. */
export const SIMULATED_SERIAL_PREFIX = 'SIM-'

const WORKERS = 120

/**
 * Registers a simulated fleet as a contractor would: its facilities (hazards = the factors its sensors
 * measure), zones (the facility's workers shared among them) and sensors, each sensor with fresh MQTT credentials. Safe to run again: facilities are
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
      workers: WORKERS,
    })
    const zones = new Map((await registry.listZones(facility.id)).map((zone) => [zone.name, zone.id]))
    const zoneNames = new Set(sensors.map((sensor) => sensor.zone))
    const workersPerZone = Math.floor(WORKERS / Math.max(1, zoneNames.size))
    for (const sensor of sensors) {
      let zoneId = zones.get(sensor.zone)
      if (zoneId === undefined) {
        zoneId = `${facility.id}-z${zones.size + 1}`
        await registry.createZone({
          id: zoneId,
          facilityId: facility.id,
          name: sensor.zone,
          workers: workersPerZone,
        })
        zones.set(sensor.zone, zoneId)
      }
      const { password, hash } = await newSensorSecret()
      passwords.set(sensor.id, password)
      const existing = await registry.getSensor(sensor.id)
      if (existing === undefined) {
        await registry.createSensor(
          {
            ...sensor,
            facilityId: facility.id,
            zoneId,
            serial: `${SIMULATED_SERIAL_PREFIX}${sensor.id}`,
            reportingIntervalS: options.reportingIntervalS,
            commissionedAt: options.commissionedAt,
          },
          hash,
        )
      } else if (existing.status === 'decommissioned') {
        // Decommissioning is for good: new credentials would not bring its readings back.
        throw new ConflictError(`sensor ${sensor.id} is decommissioned and cannot be registered again`)
      } else {
        await registry.setSensorSecret(sensor.id, hash)
      }
    }
  }
  return passwords
}

/**
 * Takes a simulated fleet out of service: every active sensor that a simulator registered (serial `SIM-…`) in
 * the facilities `{prefix}-…`. Decommissioned, they cannot connect, their readings are refused and ingest
 * stops checking whether they are offline; facilities and data stay. Returns the sensors' ids.
 */
export async function decommissionSimulatedFleet(registry: Registry, prefix: string): Promise<string[]> {
  const facilityIds: string[] = []
  for (let offset = 0; ; offset += 500) {
    const page = await registry.listFacilities({ limit: 500, offset })
    facilityIds.push(...page.items.map((f) => f.id).filter((id) => id.startsWith(`${prefix}-`)))
    if (offset + 500 >= page.total) break
  }
  const decommissioned: string[] = []
  if (facilityIds.length === 0) return decommissioned
  // Collected first: decommissioning while paging through active sensors would shift the pages.
  const sensors: string[] = []
  for (let offset = 0; ; offset += 500) {
    const page = await registry.listSensors({ limit: 500, offset, facilityIds, status: 'active' })
    sensors.push(...page.items.filter((s) => s.serial.startsWith(SIMULATED_SERIAL_PREFIX)).map((s) => s.id))
    if (offset + 500 >= page.total) break
  }
  for (const id of sensors) {
    await registry.decommissionSensor(id)
    decommissioned.push(id)
  }
  return decommissioned
}
