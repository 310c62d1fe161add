import type { Random } from '../random.ts'
import { type ShiftSchedule, workIntensity } from '../shifts.ts'
import { createDrift, eventOccurs } from './drift.ts'

/** A short, loud event (a hammer blow, a dropped part, a press stroke) and the level it reaches. */
export interface Impact {
  readonly atMs: number
  readonly peak: number
}

export interface NoiseModelOptions {
  random: Random
  schedule: ShiftSchedule
  /** dBA at the sensor when the nearest machine runs in full production. */
  machineLevel: number
  /** Mean rate of impacts in full production. */
  impactsPerHour: number
  /** Range of impact peaks, dBA. */
  impactPeak: readonly [min: number, max: number]
  /** Impacts that happen whatever the random draws say: how a scenario forces an exceedance. */
  scheduledImpacts?: readonly Impact[]
}

/** A noise model's sampler: the level in dBA a sound level meter reports for the interval ending at `timeMs`. */
export type NoiseModel = (timeMs: number) => number

/** Quiet plant at night: fans, distant traffic. */
const IDLE_LEVEL = 52
/** What the rest of the hall adds in full production, on top of the idle level. */
const HALL_RISE = 20
/** Machines run in cycles of about this long, and pause for about this long between them. */
const MEAN_RUN_MS = 90_000
const MEAN_PAUSE_MS = 30_000

/**
 * Noise as a sound level meter reports it: the hall's ambient level rising with the shift, the nearest
 * machine cycling on and off, a slow wander, and impacts. Like a meter reporting Lmax, an impact shows
 * in the sample whose interval it falls in, however short it was, so the model does not depend on rate.
 */
export function createNoiseModel(options: NoiseModelOptions): NoiseModel {
  const { random, schedule, machineLevel, impactsPerHour, impactPeak } = options
  const scheduled = [...(options.scheduledImpacts ?? [])].sort((a, b) => a.atMs - b.atMs)
  const wander = createDrift(random, 1.5, 20_000)
  let machineOn = false
  let lastMs: number | undefined

  return function sampleNoise(timeMs) {
    const stepMs = lastMs === undefined ? 0 : Math.max(0, timeMs - lastMs)
    const intensity = workIntensity(schedule, timeMs)
    if (machineOn) {
      if (eventOccurs(random, 3_600_000 / MEAN_RUN_MS, stepMs) || intensity === 0) machineOn = false
    } else if (eventOccurs(random, (intensity * 3_600_000) / MEAN_PAUSE_MS, stepMs)) {
      machineOn = true
    }

    const ambient = IDLE_LEVEL + HALL_RISE * intensity
    const machine = machineOn ? machineLevel : -Infinity
    // Sound levels add as energies, not as decibels.
    let level = 10 * Math.log10(10 ** (ambient / 10) + 10 ** (machine / 10)) + wander.at(timeMs)

    if (eventOccurs(random, impactsPerHour * intensity, stepMs)) {
      level = Math.max(level, random.between(impactPeak[0], impactPeak[1]))
    }
    while (scheduled.length > 0 && (scheduled[0] as Impact).atMs <= timeMs) {
      level = Math.max(level, (scheduled.shift() as Impact).peak)
    }
    lastMs = timeMs
    return level
  }
}
