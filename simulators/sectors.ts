import type { FactorId } from '../core/factors.ts'
import type { DeviceModelId } from './devices.ts'
import type { GasBehaviour } from './models/gas.ts'
import type { ShiftSchedule } from './shifts.ts'

/** Plants that never stop (kilns, furnaces): the periods overlap midnight so production never ramps down. */
const CONTINUOUS: ShiftSchedule = [[-1, 25]]

interface SectorProfile {
  label: string
  /** Vietnamese for the kind of workplace; a facility's name is this and its province. */
  namePrefix: string
  /** Where such workplaces cluster: units of the 34-province list in force since 2025-07-01 (core/provinces). */
  provinces: readonly string[]
  zones: readonly string[]
  /** The devices a facility gets, in order; the first always has a factor with a QCVN limit. */
  devices: readonly DeviceModelId[]
  schedule: ShiftSchedule
  noise: {
    machineLevel: readonly [min: number, max: number]
    impactsPerHour: number
    impactPeak: readonly [min: number, max: number]
  }
  dust: { workLevel: readonly [min: number, max: number]; respirableFraction: number; puffsPerHour: number }
  climate: { meanTemperature: number; dailySwing: number; processHeat: number; meanHumidity: number }
  /** Where this sector's air differs from the defaults in signals.ts. */
  gases?: Partial<Record<FactorId, Partial<GasBehaviour>>>
}

/**
 * Sectors with the hazards quantrac is built for, and how their workplaces sound, breathe and heat up.
 * Generated fleets take them in this order, so the first three match the demo fleet's.
 */
export const SECTORS = {
  garment: {
    label: 'Garment and textiles',
    namePrefix: 'Nhà máy may',
    provinces: ['Hồ Chí Minh', 'Đồng Nai', 'Tây Ninh', 'Ninh Bình', 'Hưng Yên'],
    zones: ['Sewing line A', 'Cutting room', 'Sewing line B', 'Ironing and finishing', 'Warehouse'],
    devices: ['QT-SLM2', 'QT-DUST2', 'QT-CLIMA3', 'QT-SLM2'],
    // Day shift with a lunch break, and the overtime most garment plants run.
    schedule: [
      [7.5, 11.5],
      [12.5, 17],
      [17.5, 20],
    ],
    noise: { machineLevel: [80, 88], impactsPerHour: 4, impactPeak: [95, 108] },
    // Cotton lint: coarse, so little of it is respirable.
    dust: { workLevel: [0.6, 1.5], respirableFraction: 0.25, puffsPerHour: 2 },
    climate: { meanTemperature: 31, dailySwing: 3.5, processHeat: 1.5, meanHumidity: 70 },
  },
  'coal-mining': {
    label: 'Coal mining',
    namePrefix: 'Mỏ than',
    provinces: ['Quảng Ninh'],
    zones: ['Longwall face', 'Roadway heading', 'Conveyor drift', 'Pump station', 'Coal preparation plant'],
    devices: ['QT-GAS4', 'QT-DUST2', 'QT-SLM2', 'QT-GAS4', 'QT-CLIMA3'],
    // Three shifts with half an hour between them for the handover.
    schedule: [
      [6.5, 13.5],
      [14.5, 21.5],
      [22.5, 29.5],
    ],
    noise: { machineLevel: [88, 95], impactsPerHour: 10, impactPeak: [100, 112] },
    dust: { workLevel: [2, 6], respirableFraction: 0.35, puffsPerHour: 6 },
    // Underground the air hardly follows the day outside, and it is close to saturated.
    climate: { meanTemperature: 30, dailySwing: 0.8, processHeat: 1, meanHumidity: 90 },
    gases: {
      'gas.lel': { baseline: 1.5, leaksPerHour: 0.5, leakPeak: [3, 9] },
      'gas.co': { baseline: 2 },
    },
  },
  construction: {
    label: 'Construction',
    namePrefix: 'Công trường',
    provinces: ['Hà Nội', 'Hồ Chí Minh', 'Đà Nẵng', 'Bắc Ninh', 'Cần Thơ'],
    zones: ['Piling rig', 'Basement excavation', 'Concrete batching', 'Rebar yard', 'Tower crane base'],
    devices: ['QT-SLM2', 'QT-DUST2', 'QT-GAS4', 'QT-CLIMA3'],
    // A long midday break: outdoor work stops in the worst of the heat.
    schedule: [
      [7, 11],
      [13.5, 17.5],
    ],
    noise: { machineLevel: [85, 95], impactsPerHour: 20, impactPeak: [100, 113] },
    dust: { workLevel: [1, 4], respirableFraction: 0.2, puffsPerHour: 6 },
    climate: { meanTemperature: 32, dailySwing: 4, processHeat: 0, meanHumidity: 72 },
    // Diesel plant in a basement.
    gases: { 'gas.co': { workRise: 5 } },
  },
  cement: {
    label: 'Cement',
    namePrefix: 'Nhà máy xi măng',
    provinces: ['Ninh Bình', 'Thanh Hóa', 'Hải Phòng', 'An Giang', 'Nghệ An'],
    zones: ['Raw mill', 'Kiln burner platform', 'Clinker cooler', 'Cement mill', 'Packing plant'],
    devices: ['QT-SLM2', 'QT-DUST2', 'QT-TOX-SO2', 'QT-CLIMA3', 'QT-GAS4'],
    schedule: CONTINUOUS,
    noise: { machineLevel: [88, 96], impactsPerHour: 6, impactPeak: [100, 110] },
    dust: { workLevel: [2, 5], respirableFraction: 0.3, puffsPerHour: 4 },
    climate: { meanTemperature: 33, dailySwing: 3, processHeat: 2, meanHumidity: 65 },
    gases: { 'gas.so2': { baseline: 0.3 }, 'gas.co': { baseline: 3 } },
  },
  'seafood-processing': {
    label: 'Seafood processing',
    namePrefix: 'Nhà máy chế biến thủy sản',
    provinces: ['Cà Mau', 'An Giang', 'Cần Thơ', 'Khánh Hòa', 'Đồng Tháp'],
    zones: ['Ammonia compressor room', 'Processing hall', 'Freezer tunnel', 'Packing'],
    // Ammonia refrigeration; chlorine to sanitise wash water.
    devices: ['QT-TOX-NH3', 'QT-SLM2', 'QT-CLIMA3', 'QT-TOX-CL2'],
    schedule: [
      [6, 11.5],
      [12.5, 18],
      [18.5, 22],
    ],
    noise: { machineLevel: [78, 86], impactsPerHour: 3, impactPeak: [92, 104] },
    dust: { workLevel: [0.1, 0.3], respirableFraction: 0.4, puffsPerHour: 1 },
    climate: { meanTemperature: 30, dailySwing: 2, processHeat: 0, meanHumidity: 80 },
    gases: { 'gas.nh3': { baseline: 2 } },
  },
  steel: {
    label: 'Steel',
    namePrefix: 'Nhà máy thép',
    provinces: ['Hà Tĩnh', 'Quảng Ngãi', 'Hải Phòng', 'Thái Nguyên', 'Phú Thọ'],
    zones: ['Electric arc furnace', 'Casting floor', 'Rolling mill', 'Scrap yard'],
    devices: ['QT-SLM2', 'QT-DUST2', 'QT-GAS4', 'QT-TOX-NO2', 'QT-CLIMA3'],
    schedule: CONTINUOUS,
    noise: { machineLevel: [90, 98], impactsPerHour: 15, impactPeak: [105, 114] },
    // Metal fume is fine, so much of it is respirable.
    dust: { workLevel: [2, 5], respirableFraction: 0.5, puffsPerHour: 6 },
    climate: { meanTemperature: 34, dailySwing: 3, processHeat: 3, meanHumidity: 60 },
    gases: { 'gas.co': { baseline: 3, workRise: 6 }, 'gas.no2': { baseline: 0.2 } },
  },
} as const satisfies Record<string, SectorProfile>

export type SectorId = keyof typeof SECTORS

export const SECTOR_IDS = Object.keys(SECTORS) as [SectorId, ...SectorId[]]

/** The profile of a sector, typed loosely enough that optional parts can be read without narrowing. */
export function sectorProfile(sector: SectorId): SectorProfile {
  return SECTORS[sector]
}
