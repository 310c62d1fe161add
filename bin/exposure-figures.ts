/** The figures `quantrac exposure` prints for one shift, from the evaluator's summary. */
import type { ExposureSummary } from '../core/exposure/index.ts'
import type { FactorId } from '../core/factors.ts'
import type { ResolvedLimits } from '../core/limits/index.ts'

/**
 * Factors on an interval scale: a time-weighted average of 34 °C and 20 °C over 8 h is no exposure anyone
 * has, so they get no TWA (heat stress is judged by the WBGT's hourly mean, ISO 7243).
 */
const NO_TWA: ReadonlySet<FactorId> = new Set(['temperature', 'humidity', 'wbgt'])

export function hasTwa(factor: FactorId): boolean {
  return !NO_TWA.has(factor)
}

export function figuresOf(summary: ExposureSummary, limits: ResolvedLimits | undefined) {
  const isNoise = summary.factor === 'noise'
  return {
    duplicates: summary.duplicates,
    outOfOrder: summary.outOfOrder,
    from: iso(summary.firstTime),
    to: iso(summary.lastTime),
    measuredHours: summary.measuredHours,
    coverage: summary.coverage,
    max: summary.max ?? null,
    mean: summary.mean ?? null,
    ...(hasTwa(summary.factor)
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
