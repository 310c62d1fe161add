import type { Random } from '../random.ts'
import { type ShiftSchedule, workIntensity } from '../shifts.ts'
import { createDrift, eventOccurs } from './drift.ts'
import { type Spike, sumSpikes } from './spike.ts'

export interface DustModelOptions {
  random: Random
  schedule: ShiftSchedule
  /** Total dust, mg/m³, typical in full production at this sensor. */
  workLevel: number
  /** Share of the total that is respirable (below ~4 µm): lower for lint and coarse grit, higher for fume. */
  respirableFraction: number
  /** Mean rate of puffs (a bag emptied, a truck passing, a blast) in full production. */
  puffsPerHour: number
}

export interface DustSample {
  /** mg/m³ */
  total: number
  /** mg/m³, never above `total`. */
  respirable: number
}

export type DustModel = (timeMs: number) => DustSample

/** Dust hanging in the air when nothing runs, as a share of the working level. */
const IDLE_SHARE = 0.08

/**
 * Dust as an optical monitor reports it: a level driven by the work going on, wandering by a factor
 * (dust concentrations are roughly log-normal), with puffs that settle out over a minute or two.
 */
export function createDustModel(options: DustModelOptions): DustModel {
  const { random, schedule, workLevel, respirableFraction, puffsPerHour } = options
  const logWander = createDrift(random, 0.25, 120_000)
  const fractionWander = createDrift(random, 0.08, 300_000)
  const puffs: Spike[] = []
  let lastMs: number | undefined

  return function sampleDust(timeMs) {
    const stepMs = lastMs === undefined ? 0 : Math.max(0, timeMs - lastMs)
    lastMs = timeMs
    const intensity = workIntensity(schedule, timeMs)
    if (eventOccurs(random, puffsPerHour * intensity, stepMs)) {
      puffs.push({
        startMs: timeMs,
        riseMs: random.between(3_000, 15_000),
        peak: workLevel * random.between(0.5, 3),
        decayMs: random.between(30_000, 120_000),
      })
    }
    const baseline = workLevel * (IDLE_SHARE + (1 - IDLE_SHARE) * intensity)
    const total = baseline * Math.exp(logWander.at(timeMs)) + sumSpikes(puffs, timeMs)
    const fraction = Math.min(0.95, respirableFraction * Math.exp(fractionWander.at(timeMs)))
    return { total, respirable: total * fraction }
  }
}
