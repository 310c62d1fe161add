import type { Random } from '../random.ts'
import { localHour, type ShiftSchedule, workIntensity } from '../shifts.ts'
import { createDrift } from './drift.ts'

export interface ClimateModelOptions {
  random: Random
  schedule: ShiftSchedule
  /** Daily mean temperature, °C. */
  meanTemperature: number
  /** Half the gap between the afternoon high and the pre-dawn low, °C. */
  dailySwing: number
  /** What running machines and people add indoors in full production, °C. */
  processHeat: number
  /** Relative humidity at the daily mean temperature, %RH. */
  meanHumidity: number
}

export interface ClimateSample {
  /** °C */
  temperature: number
  /** %RH */
  humidity: number
}

export type ClimateModel = (timeMs: number) => ClimateSample

/** The day is hottest around half past two in the afternoon, local time. */
const HOTTEST_HOUR = 14.5
/**
 * Air holding the same moisture loses about 5 %RH for each degree it warms near 30 °C; the afternoon
 * air also dries a little, so humidity falls a bit less than that: 3.5 %RH per °C.
 */
const HUMIDITY_PER_DEGREE = -3.5

/**
 * Microclimate of a Vietnamese workplace: a daily heat curve (hot afternoons, cooler before dawn), heat
 * from production, a slow wander, and relative humidity falling as the air warms.
 */
export function createClimateModel(options: ClimateModelOptions): ClimateModel {
  const { random, schedule, meanTemperature, dailySwing, processHeat, meanHumidity } = options
  const temperatureWander = createDrift(random, 0.4, 900_000)
  const humidityWander = createDrift(random, 2, 1_200_000)

  return function sampleClimate(timeMs) {
    const hour = localHour(timeMs)
    const daily = dailySwing * Math.cos((2 * Math.PI * (hour - HOTTEST_HOUR)) / 24)
    const temperature =
      meanTemperature + daily + processHeat * workIntensity(schedule, timeMs) + temperatureWander.at(timeMs)
    const humidity =
      meanHumidity + HUMIDITY_PER_DEGREE * (temperature - meanTemperature) + humidityWander.at(timeMs)
    return { temperature, humidity: Math.min(99, Math.max(20, humidity)) }
  }
}
