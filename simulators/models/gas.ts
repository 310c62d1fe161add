import type { Random } from '../random.ts'
import { type ShiftSchedule, workIntensity } from '../shifts.ts'
import { createDrift, eventOccurs } from './drift.ts'
import { type Spike, sumSpikes } from './spike.ts'

/** How one gas behaves at one sensor, in the factor's canonical unit (ppm, %vol or %LEL). */
export interface GasBehaviour {
  /** The level with nothing going on. */
  baseline: number
  /** What full production adds: CO₂ from people and combustion, CO from engines and kilns. */
  workRise: number
  /** Standard deviation of the sensor's own noise around the true level. */
  jitter: number
  /** Standard deviation of the true level's slow wander. */
  wander: number
  /** Mean rate of leaks, at any time of day: leaks do not keep office hours. */
  leaksPerHour: number
  /** Range of a leak's peak, added to the level (or, for oxygen, taken from it). */
  leakPeak: readonly [min: number, max: number]
  /** +1: a leak raises the reading (toxic and flammable gases); -1: it lowers it (oxygen displaced). */
  direction: 1 | -1
  /** The lowest true level: zero, or for CO₂ the outdoor air every building breathes. */
  floor?: number
}

export interface GasModelOptions extends GasBehaviour {
  random: Random
  schedule: ShiftSchedule
  /** Leaks that happen whatever the random draws say: how a scenario forces an exceedance. */
  scheduledLeaks?: readonly Spike[]
}

export type GasModel = (timeMs: number) => number

/**
 * One gas as a detector reports it: baseline plus work, a slow wander, rare leaks that build up over
 * tens of seconds and clear over minutes, and the sensor's own noise. Never below zero.
 */
export function createGasModel(options: GasModelOptions): GasModel {
  const {
    random,
    schedule,
    baseline,
    workRise,
    jitter,
    leaksPerHour,
    leakPeak,
    direction,
    floor = 0,
  } = options
  const wander = createDrift(random, options.wander, 600_000)
  const leaks: Spike[] = [...(options.scheduledLeaks ?? [])]
  let lastMs: number | undefined

  return function sampleGas(timeMs) {
    const stepMs = lastMs === undefined ? 0 : Math.max(0, timeMs - lastMs)
    lastMs = timeMs
    if (eventOccurs(random, leaksPerHour, stepMs)) {
      leaks.push({
        startMs: timeMs,
        riseMs: random.between(10_000, 60_000),
        peak: random.between(leakPeak[0], leakPeak[1]),
        decayMs: random.between(60_000, 300_000),
      })
    }
    const level = Math.max(
      floor,
      baseline +
        workRise * workIntensity(schedule, timeMs) +
        wander.at(timeMs) +
        direction * sumSpikes(leaks, timeMs),
    )
    return Math.max(0, level + jitter * random.gaussian())
  }
}
