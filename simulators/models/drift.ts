import type { Random } from '../random.ts'

/**
 * A slow random wander around zero (an Ornstein–Uhlenbeck process): standard deviation `sigma`,
 * forgetting its past over `tauMs`. The update is exact for any step, so a signal sampled at 1 Hz
 * and at 100 Hz has the same character.
 */
export interface Drift {
  /** The wander's value at `timeMs`; times must not go backwards. */
  at(timeMs: number): number
}

export function createDrift(random: Random, sigma: number, tauMs: number): Drift {
  let value = sigma * random.gaussian()
  let lastMs: number | undefined
  return {
    at(timeMs) {
      const stepMs = lastMs === undefined ? 0 : Math.max(0, timeMs - lastMs)
      lastMs = timeMs
      const decay = Math.exp(-stepMs / tauMs)
      value = value * decay + sigma * Math.sqrt(1 - decay * decay) * random.gaussian()
      return value
    },
  }
}

/** Whether a Poisson event with `perHour` mean rate happens within a step of `stepMs`. */
export function eventOccurs(random: Random, perHour: number, stepMs: number): boolean {
  if (perHour <= 0 || stepMs <= 0) return false
  return random.chance(1 - Math.exp((-perHour * stepMs) / 3_600_000))
}
