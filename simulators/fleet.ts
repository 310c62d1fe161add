import type { FactorId } from '../core/factors.ts'
import { DEFAULT_PROFILE, type ProfileId } from '../core/limits/index.ts'
import { DEVICE_MODELS, type DeviceModelId } from './devices.ts'
import { createRandom } from './random.ts'
import { SECTOR_IDS, SECTORS, type SectorId } from './sectors.ts'

/** One sensor as the registry knows it. */
export interface SensorSpec {
  id: string
  model: DeviceModelId
  /** Where in the facility it hangs. */
  zone: string
  /** What it measures; one factor means single readings, more a batch. */
  factors: FactorId[]
}

export interface FacilitySpec {
  id: string
  name: string
  province: string
  sector: SectorId
  /** The limit profile readings are checked against. */
  profile: ProfileId
  sensors: SensorSpec[]
}

/** The facilities and sensors a simulation runs, in the shape the registry can be seeded from. */
export interface Fleet {
  facilities: FacilitySpec[]
}

export const MAX_FACILITIES = 10_000
export const MAX_SENSORS_PER_FACILITY = 1_000

function sensor(id: string, model: DeviceModelId, zone: string): SensorSpec {
  return { id, model, zone, factors: [...DEVICE_MODELS[model].factors] }
}

/**
 * A small fixed fleet for demos: a garment factory, a coal mine and a construction site.
 *
 * @example
 * const fleet = demoFleet()
 * fleet.facilities.map((f) => f.id) // ['fac-001', 'fac-002', 'fac-003']
 */
export function demoFleet(): Fleet {
  return {
    facilities: [
      {
        id: 'fac-001',
        name: 'Nhà máy may Thuận An',
        // Thuận An was in Bình Dương, part of Hồ Chí Minh City since 2025-07-01.
        province: 'Hồ Chí Minh',
        sector: 'garment',
        profile: 'qcvn',
        sensors: [
          sensor('fac-001-s01', 'QT-SLM2', 'Sewing line A'),
          sensor('fac-001-s02', 'QT-DUST2', 'Cutting room'),
          sensor('fac-001-s03', 'QT-CLIMA3', 'Sewing line A'),
          sensor('fac-001-s04', 'QT-SLM2', 'Cutting room'),
        ],
      },
      {
        id: 'fac-002',
        name: 'Mỏ than Hạ Long',
        province: 'Quảng Ninh',
        sector: 'coal-mining',
        profile: 'qcvn',
        sensors: [
          sensor('fac-002-s01', 'QT-GAS4', 'Longwall face'),
          sensor('fac-002-s02', 'QT-DUST2', 'Longwall face'),
          sensor('fac-002-s03', 'QT-SLM2', 'Conveyor drift'),
          sensor('fac-002-s04', 'QT-GAS4', 'Roadway heading'),
        ],
      },
      {
        id: 'fac-003',
        name: 'Công trường Cầu Giấy',
        province: 'Hà Nội',
        sector: 'construction',
        profile: 'qcvn',
        sensors: [
          sensor('fac-003-s01', 'QT-SLM2', 'Piling rig'),
          sensor('fac-003-s02', 'QT-DUST2', 'Basement excavation'),
          sensor('fac-003-s03', 'QT-GAS4', 'Basement excavation'),
          sensor('fac-003-s04', 'QT-CLIMA3', 'Site office'),
        ],
      },
    ],
  }
}

export interface GenerateFleetOptions {
  facilities: number
  sensorsPerFacility: number
  /** Same seed, same fleet. */
  seed?: number
  /** Facility ids are `{idPrefix}-001`…; default `fac`, as the demo's. */
  idPrefix?: string
}

/**
 * A fleet of any size: facilities take the sectors in turn, each sensor the sector's next device.
 * Ids look like `fac-001` and `fac-001-s01` (another `idPrefix` for `fac`), widened when the counts need more
 * digits.
 *
 * @example
 * generateFleet({ facilities: 100, sensorsPerFacility: 10, seed: 7 }).facilities[99]?.sensors[9]?.id
 * // 'fac-100-s10'
 */
export function generateFleet(options: GenerateFleetOptions): Fleet {
  const { facilities, sensorsPerFacility, seed = 0, idPrefix = 'fac' } = options
  assertCount('facilities', facilities, MAX_FACILITIES)
  assertCount('sensorsPerFacility', sensorsPerFacility, MAX_SENSORS_PER_FACILITY)
  const random = createRandom(seed)
  const facilityDigits = Math.max(3, String(facilities).length)
  const sensorDigits = Math.max(2, String(sensorsPerFacility).length)
  const namesUsed = new Map<string, number>()

  return {
    facilities: Array.from({ length: facilities }, (_, f): FacilitySpec => {
      const id = `${idPrefix}-${String(f + 1).padStart(facilityDigits, '0')}`
      const sector = SECTOR_IDS[f % SECTOR_IDS.length] as SectorId
      const { namePrefix, provinces, zones, devices } = SECTORS[sector]
      const province = random.pick(provinces)
      const baseName = `${namePrefix} ${province}`
      const seen = (namesUsed.get(baseName) ?? 0) + 1
      namesUsed.set(baseName, seen)
      return {
        id,
        name: seen === 1 ? baseName : `${baseName} ${seen}`,
        province,
        sector,
        profile: DEFAULT_PROFILE,
        sensors: Array.from({ length: sensorsPerFacility }, (_, s) =>
          sensor(
            `${id}-s${String(s + 1).padStart(sensorDigits, '0')}`,
            devices[s % devices.length] as DeviceModelId,
            zones[s % zones.length] as string,
          ),
        ),
      }
    }),
  }
}

function assertCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`)
  }
}

/** Number of sensors in a fleet. */
export function sensorCount(fleet: Fleet): number {
  return fleet.facilities.reduce((count, facility) => count + facility.sensors.length, 0)
}
