/**
 * ADAPTER, until core/exposure/verdicts.ts (issue #13) lands: a verdict on each figure from the evaluator's
 * summary. Replace by the core module's verdicts; nothing else in the CLI depends on how they are reached.
 */
import type { ExposureSummary } from '../core/exposure/index.ts'
import { FACTORS } from '../core/factors.ts'
import type { ResolvedLimits } from '../core/limits/index.ts'
import { hasTwa } from './exposure-figures.ts'

export type Verdict = 'exceeds' | 'within' | 'insufficient-data'

export interface FigureVerdict {
  readonly verdict: Verdict
  readonly reasons: readonly string[]
}

/** Share of the shift that must be measured before a "within" is said (placeholder until #13's rules). */
const MIN_SHIFT_SHARE = 0.75

export function verdictsOf(
  summary: ExposureSummary,
  limits: ResolvedLimits | undefined,
  shiftHours: number,
): Record<string, FigureVerdict> {
  if (limits === undefined) return {}
  const unit = FACTORS[summary.factor].unit
  const share = summary.measuredHours / shiftHours
  const basis = `${percent(share)} of the ${shiftHours}-h shift measured`
  const verdicts: Record<string, FigureVerdict> = {}
  const measuredOnly = (figure: number | undefined, coverage: number) =>
    figure === undefined ? undefined : figure * coverage
  const judge = (value: number | undefined, limit: number, name: string, unit: string): FigureVerdict => {
    if (value !== undefined && value > limit)
      return {
        verdict: 'exceeds',
        reasons: [`${name} ${round(value)} ${unit} on measured time alone is above ${limit} ${unit}`],
      }
    if (share < MIN_SHIFT_SHARE)
      return { verdict: 'insufficient-data', reasons: [`${basis}, less than ${percent(MIN_SHIFT_SHARE)}`] }
    return { verdict: 'within', reasons: [basis] }
  }
  if (limits.twa !== undefined && hasTwa(summary.factor) && summary.factor !== 'noise') {
    verdicts.twa = judge(measuredOnly(summary.mean, summary.measuredHours / 8), limits.twa.value, 'TWA', unit)
  }
  if (limits.stel !== undefined) {
    verdicts.stel =
      summary.maxStel === undefined
        ? { verdict: 'insufficient-data', reasons: ['no 15-minute window was half measured'] }
        : judge(summary.maxStel, limits.stel.value, 'STEL', unit)
  }
  if (limits.ceiling !== undefined) {
    const max = summary.max
    verdicts.ceiling =
      max !== undefined && max > limits.ceiling.value
        ? {
            verdict: 'exceeds',
            reasons: [`maximum ${max} ${unit} is above ${limits.ceiling.value}`],
          }
        : judge(undefined, limits.ceiling.value, 'maximum', unit)
  }
  if (limits.noise !== undefined) {
    verdicts.dose = judge(measuredOnly(summary.dosePercent, summary.coverage), 100, 'dose', '%')
  }
  if (summary.factor === 'noise' && limits.twa !== undefined) {
    const measuredLex =
      summary.mean === undefined ? undefined : summary.mean + 10 * Math.log10(summary.measuredHours / 8)
    verdicts.lex8h = judge(measuredLex, limits.twa.value, 'LEX,8h', 'dBA')
  }
  if (limits.hourMean !== undefined) {
    verdicts.hourMean =
      summary.maxHourMean === undefined
        ? { verdict: 'insufficient-data', reasons: ['no hour was half measured'] }
        : judge(summary.maxHourMean, limits.hourMean.value, 'hourly mean', unit)
  }
  return verdicts
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
