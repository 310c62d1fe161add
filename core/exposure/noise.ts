import type { NoiseDoseRule } from '../limits/index.ts'

/** The reference duration of every dose and TWA: 8 h, whatever the shift's length. */
export const REFERENCE_MS = 8 * 3_600_000

/** Time allowed at `level` before the dose reaches 100 %: `T = 8 h / 2^((L − Lc) / q)`. */
export function allowedMs(level: number, rule: NoiseDoseRule): number {
  return REFERENCE_MS / 2 ** ((level - rule.criterionLevel.value) / rule.exchangeRate.value)
}

/**
 * Dose per millisecond at `level`, as a fraction of the whole allowance (1 / T); zero below `threshold`,
 * which the regulation uses to keep quiet periods out of the dose.
 */
export function doseRate(level: number, rule: NoiseDoseRule, threshold = rule.threshold?.value): number {
  if (threshold !== undefined && level < threshold) return 0
  return 2 ** ((level - rule.criterionLevel.value) / rule.exchangeRate.value) / REFERENCE_MS
}

/** The 8-h TWA level that gives `dosePercent`: OSHA's `16.61 · log10(D / 100) + 90` for its 5-dB rule. */
export function doseLevel(dosePercent: number, rule: NoiseDoseRule): number | undefined {
  if (!(dosePercent > 0)) return undefined
  return rule.criterionLevel.value + rule.exchangeRate.value * Math.log2(dosePercent / 100)
}

/** The dose (%) a constant 8-h level would give: how an 8-h action level reads as a dose (OSHA 85 dBA → 50 %). */
export function levelToDosePercent(level: number, rule: NoiseDoseRule): number {
  return 100 * 2 ** ((level - rule.criterionLevel.value) / rule.exchangeRate.value)
}

/** Relative sound energy, the quantity that averages over time: `10^(L / 10)`. */
export function soundEnergy(level: number): number {
  return 10 ** (level / 10)
}

/** The level of a mean sound energy: `10 · log10(E)`. */
export function energyLevel(meanEnergy: number): number {
  return 10 * Math.log10(meanEnergy)
}

/** Daily noise exposure level (ISO 9612): `LEX,8h = LAeq,Te + 10 · log10(Te / 8 h)`. */
export function lex8h(laeq: number, exposureMs: number): number {
  return laeq + 10 * Math.log10(exposureMs / REFERENCE_MS)
}
