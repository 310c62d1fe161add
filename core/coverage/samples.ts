/**
 * Continuous readings as the samples of a monitoring report (core/coverage/README.md, "Samples from
 * continuous readings"): one sample is one clock hour of working time in which a sensor in calibration
 * reported the factor; it fails the limit the way a campaign's spot sample is judged, its level against the
 * limit of the shift.
 */
import type { ResolvedLimits } from '../limits/index.ts'
import type { ShiftPattern } from '../shifts.ts'
import { workingWeights } from './working-hours.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** One clock hour of one sensor's factor, as the store aggregates it. */
export interface HourAggregate {
  /** Epoch ms of the hour's start. */
  time: number
  mean: number
  max: number
  count: number
}

export type SampleVerdict = 'fails' | 'within' | 'unjudged'

/**
 * Whether one hour fails: its mean above the 8-h TWA limit (for noise the criterion level), above a 1-h
 * mean limit (WBGT) or below a floor; or its maximum above a ceiling, which no moment may pass. A factor
 * with none of these limits is not judged.
 */
export function judgeHour(
  hour: Pick<HourAggregate, 'mean' | 'max'>,
  limits: ResolvedLimits | undefined,
): SampleVerdict {
  if (limits === undefined) return 'unjudged'
  const { twa, hourMean, floor, ceiling } = limits
  if (twa === undefined && hourMean === undefined && floor === undefined && ceiling === undefined) {
    return 'unjudged'
  }
  if (twa !== undefined && hour.mean > twa.value) return 'fails'
  if (hourMean !== undefined && hour.mean > hourMean.value) return 'fails'
  if (floor !== undefined && hour.mean < floor.value) return 'fails'
  if (ceiling !== undefined && hour.max > ceiling.value) return 'fails'
  return 'within'
}

export interface SampleCount {
  samples: number
  failing: number
  /** Samples of a factor without a limit in the profile: counted in `samples`, never failing. */
  unjudged: number
}

export const NO_SAMPLES: SampleCount = { samples: 0, failing: 0, unjudged: 0 }

/**
 * The samples of one sensor's factor in a window: its hours with readings that fall in the facility's working
 * hours (any part of the hour) and before its calibration fell due (plus the grace days).
 *
 * @example
 * countSamples({ hours, shifts, shiftHours: 8, calibrationDue, calibrationGraceDays: 0, limits })
 * // { samples: 1840, failing: 12, unjudged: 0 }
 */
export function countSamples(input: {
  hours: readonly HourAggregate[]
  shifts: ShiftPattern
  shiftHours: number
  calibrationDue?: number
  calibrationGraceDays: number
  limits: ResolvedLimits | undefined
}): SampleCount {
  const weights = workingWeights(input.shifts, input.shiftHours)
  const validUntil =
    input.calibrationDue === undefined
      ? Number.POSITIVE_INFINITY
      : input.calibrationDue + input.calibrationGraceDays * DAY_MS
  const count = { samples: 0, failing: 0, unjudged: 0 }
  for (const hour of input.hours) {
    if (hour.count <= 0 || hour.time >= validUntil) continue
    if (!((weights[Math.floor(hour.time / HOUR_MS) % 24] ?? 0) > 0)) continue
    count.samples++
    const verdict = judgeHour(hour, input.limits)
    if (verdict === 'fails') count.failing++
    else if (verdict === 'unjudged') count.unjudged++
  }
  return count
}
