/**
 * The verdicts of a replayed log: core/exposure/verdicts.ts judges each figure, per shift, and across
 * the shifts of the log.
 */
import {
  type ExposureSummary,
  type ExposureVerdicts,
  exposureVerdicts,
  type FigureId,
  type FigureInput,
  judgeFigure,
  type Reason,
  shiftBasis,
  type Verdict,
} from '../core/exposure/index.ts'
import type { ResolvedLimits } from '../core/limits/index.ts'

/**
 * Live, the STEL and the 1-h mean are judged as they stand at the last reading; a replayed shift is judged
 * by its worst window, so those two are judged on their highest value of the shift, on the shift's basis
 * (a window never measured cannot be said to be within).
 */
export function shiftVerdicts(
  summary: ExposureSummary,
  limits: ResolvedLimits | undefined,
): ExposureVerdicts {
  const verdicts = exposureVerdicts(summary, limits)
  const basis = shiftBasis(summary)
  const worst = (value: number | undefined, limit: number) => {
    const input: FigureInput = { kind: 'measured', value, limit, basis }
    return { ...judgeFigure(input), basis }
  }
  if (verdicts.stel !== undefined && limits?.stel !== undefined) {
    verdicts.stel = worst(summary.maxStel, limits.stel.value)
  }
  const hourLimit = limits?.hourMean ?? limits?.hourMeanAction
  if (verdicts.hourMean !== undefined && hourLimit !== undefined) {
    verdicts.hourMean = worst(summary.maxHourMean, hourLimit.value)
  }
  return verdicts
}

export interface LogVerdict {
  readonly verdict: Verdict
  /** The reasons of the shifts that decided it, each with the shift's start. */
  readonly reasons: readonly (Reason & { readonly shift: string })[]
}

/**
 * The log's verdict on each figure over all its shifts: `exceeds` when any shift exceeds, `within` when
 * every shift is within, `insufficient-data` otherwise.
 */
export function logVerdicts(
  shifts: readonly { readonly start: string; readonly verdicts: ExposureVerdicts }[],
): Partial<Record<FigureId, LogVerdict>> {
  const result: Partial<Record<FigureId, LogVerdict>> = {}
  const figures = new Set(shifts.flatMap((shift) => Object.keys(shift.verdicts) as FigureId[]))
  for (const figure of figures) {
    const judged = shifts.flatMap((shift) => {
      const verdict = shift.verdicts[figure]
      return verdict === undefined ? [] : [{ shift: shift.start, ...verdict }]
    })
    const verdict: Verdict = judged.some((j) => j.verdict === 'exceeds')
      ? 'exceeds'
      : judged.every((j) => j.verdict === 'within')
        ? 'within'
        : 'insufficient-data'
    const deciding = verdict === 'within' ? judged : judged.filter((j) => j.verdict === verdict)
    result[figure] = {
      verdict,
      reasons: deciding.flatMap((j) => j.reasons.map((reason) => ({ ...reason, shift: j.shift }))),
    }
  }
  return result
}
