/**
 * The knobs of "monitored". core/coverage/README.md says why each default is what it is.
 */
export interface CoverageRules {
  /** Share of the period's working hours, 0–1, that one sensor's data must cover for a factor. */
  readonly minCoverage: number
  /** Planned length of a shift in hours; a shift also ends where the next one starts. */
  readonly shiftHours: number
  /** Days a calibration may be past due before the sensor stops counting. */
  readonly calibrationGraceDays: number
  /** Whether a sensor without a registered calibration due date counts. */
  readonly acceptUnknownCalibration: boolean
  /** Growth of monitored facilities required over a year, in percent (Directive 31-CT/TW: 5). */
  readonly annualTargetPercent: number
}

export const DEFAULT_COVERAGE_RULES: CoverageRules = {
  minCoverage: 0.6,
  shiftHours: 8,
  calibrationGraceDays: 0,
  acceptUnknownCalibration: true,
  annualTargetPercent: 5,
}

/** Rules merged over the defaults; throws RangeError on a value that cannot make sense. */
export function coverageRules(overrides: Partial<CoverageRules> = {}): CoverageRules {
  const rules = { ...DEFAULT_COVERAGE_RULES, ...overrides }
  if (!(rules.minCoverage > 0 && rules.minCoverage <= 1)) {
    throw new RangeError(`minCoverage must be in (0, 1], got ${rules.minCoverage}`)
  }
  if (!(rules.shiftHours > 0 && rules.shiftHours <= 24)) {
    throw new RangeError(`shiftHours must be in (0, 24], got ${rules.shiftHours}`)
  }
  if (!(rules.calibrationGraceDays >= 0)) {
    throw new RangeError(`calibrationGraceDays must be 0 or more, got ${rules.calibrationGraceDays}`)
  }
  if (!(rules.annualTargetPercent >= 0)) {
    throw new RangeError(`annualTargetPercent must be 0 or more, got ${rules.annualTargetPercent}`)
  }
  return rules
}
