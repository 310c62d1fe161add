/**
 * The figures `quantrac exposure` prints for one shift, from the evaluator's summary. The TWA, dose and
 * LEX,8h count unmeasured time as zero (what was certainly received); the projections fill the rest of the
 * shift at the measured mean.
 */
import { type ExposureSummary, hasTimeWeightedAverage } from '../core/exposure/index.ts'
import type { ResolvedLimits } from '../core/limits/index.ts'

export function figuresOf(summary: ExposureSummary, limits: ResolvedLimits | undefined) {
  const isNoise = summary.factor === 'noise'
  return {
    duplicates: summary.duplicates,
    outOfOrder: summary.outOfOrder,
    from: iso(summary.firstTime),
    to: iso(summary.lastTime),
    measuredHours: summary.measuredHours,
    coverage: summary.coverage,
    longestGapHours: summary.measurement.longestGapMs / 3_600_000,
    max: summary.max ?? null,
    min: summary.min ?? null,
    mean: summary.mean ?? null,
    ...(hasTimeWeightedAverage(summary.factor)
      ? { twa: summary.twa ?? null, projectedTwa: summary.projectedTwa ?? null }
      : {}),
    stel: summary.maxStel ?? null,
    ...(isNoise
      ? {
          dosePercent: summary.dosePercent ?? null,
          projectedDosePercent: summary.projectedDosePercent ?? null,
          lex8h: summary.lex8h ?? null,
        }
      : {}),
    ...(limits?.hourMean === undefined ? {} : { hourMean: summary.maxHourMean ?? null }),
  }
}

function iso(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString()
}
