import type { FactorId } from '../factors.ts'
import type { CanonicalThreshold, ResolvedLimits } from '../limits/index.ts'
import type { ExposureSummary } from './evaluator.ts'

/**
 * What an exposure figure says about its limit, and why. `exceeds` is either certain (it follows from the
 * measured time alone, unmeasured time counted as zero) or a projection on a sufficient basis; `within`
 * always needs a sufficient basis; anything else is `insufficient-data`, which never raises an alert.
 */
export const VERDICTS = ['exceeds', 'within', 'insufficient-data'] as const
export type Verdict = (typeof VERDICTS)[number]

/** Whether the sensor's calibration was in date over the figure's time; `unknown`: no due date registered. */
export type Calibration = 'in-date' | 'lapsed' | 'unknown'

/** What a figure rests on: how much of its window was measured, and how well. */
export interface Basis {
  /** Time covered by readings inside the window. */
  readonly measuredMs: number
  /** The window the figure speaks of: the planned shift, the time since the shift started, 15 min, 1 h. */
  readonly windowMs: number
  /** measuredMs / windowMs, 0–1. */
  readonly share: number
  /** Longest unmeasured stretch inside the window (the time before the first reading included). */
  readonly longestGapMs: number
  readonly calibration: Calibration
  /** Active sensor faults (alert kinds or codes, e.g. `sensor-fault`); empty when none. */
  readonly faults: readonly string[]
}

/** Stable machine codes of a verdict's reasons; `message` says the same for a person. */
export const REASON_CODES = [
  'measured-exceedance',
  'projection-exceeds',
  'basis-sufficient',
  'no-value',
  'measured-below-minimum',
  'share-below-minimum',
  'gap-too-long',
  'calibration-lapsed',
  'calibration-unknown',
  'sensor-fault',
] as const
export type ReasonCode = (typeof REASON_CODES)[number]

export interface Reason {
  readonly code: ReasonCode
  readonly message: string
}

export interface FigureVerdict {
  readonly verdict: Verdict
  readonly reasons: readonly Reason[]
}

/** A verdict with what it rests on, as the API, the store and the live feed carry it. */
export interface JudgedFigure extends FigureVerdict {
  readonly basis: Basis
}

/** The figures that get a verdict; each appears only where the factor's limits give it a limit. */
export const FIGURE_IDS = [
  'twa',
  'projectedTwa',
  'dose',
  'projectedDose',
  'lex8h',
  'stel',
  'ceiling',
  'floor',
  'hourMean',
] as const
export type FigureId = (typeof FIGURE_IDS)[number]
export type ExposureVerdicts = Partial<Record<FigureId, JudgedFigure>>

/**
 * When a basis is sufficient. EN 689 speaks of chemical agents; quantrac applies the same minimums to the
 * noise dose and LEX,8h, for want of a rule of the same kind in QCVN 24 or ISO 9612 (practice, not law).
 */
export const SUFFICIENT_BASIS = {
  /**
   * Measured time below which a shift figure is neither projected nor judged within: EN 689:2018
   * (sampling duration for an 8-h limit value): with exposure constant over the shift "the total sampling
   * duration may be shorter than the reference period with a minimum of 2 h" (wording seen in a secondary
   * copy of the standard). Applies to windows at least this long, i.e. the shift figures.
   */
  minMeasuredMs: 2 * 3_600_000,
  /**
   * Share of the window measured before a figure may read `within`: OSHA's letter of interpretation of
   * 1997-01-23 (to E. G. Foulke, extended work shifts): its industrial hygienists "sample for at least
   * seven hours of the eight-hour work shift" — 7/8 of the shift. Taken for the 15-min and 1-h windows too.
   */
  minShareForWithin: 7 / 8,
  /**
   * Longest unmeasured stretch a shift figure may contain for a projection or a `within`: quantrac's own
   * bound. EN 689:2018 asks that unsampled time "be assessed carefully and critically for exposure
   * changes"; a sensor cannot assess, so more than an hour of silence (an eighth of an 8-h shift) counts
   * as a basis it cannot vouch for.
   */
  maxGapMs: 3_600_000,
  /** A sensor without a registered calibration due date still counts, as in core/coverage/rules.ts. */
  acceptUnknownCalibration: true,
} as const

/** The knobs of a sufficient basis; SUFFICIENT_BASIS says why each default is what it is. */
export interface SufficientBasisRules {
  readonly minMeasuredMs: number
  readonly minShareForWithin: number
  readonly maxGapMs: number
  readonly acceptUnknownCalibration: boolean
}

/**
 * How a figure's value relates to what was measured:
 * - `so-far`: a shift figure with unmeasured time counted as zero (TWA so far, dose so far, LEX,8h so far).
 *   It can only grow through the shift, so above the limit is certain; `within` also needs its
 *   `estimate` (the end-of-shift projection) within the limit.
 * - `projection`: an end-of-shift forecast; exceeds or within only on a sufficient basis.
 * - `measured`: a value read or averaged from readings alone (ceiling/maximum, floor, STEL, 1-h mean).
 */
export type FigureKind = 'so-far' | 'projection' | 'measured'

export interface FigureInput {
  readonly kind: FigureKind
  /** Absent: the figure has no value yet (no STEL before half its window was measured). */
  readonly value: number | undefined
  /** `so-far` figures: the projected end-of-shift value, which must be within the limit for `within`. */
  readonly estimate?: number
  readonly limit: number
  /** `below` for floors (oxygen): the value must stay above the limit. Default `above`. */
  readonly direction?: 'above' | 'below'
  readonly basis: Basis
}

/**
 * The verdict of one figure against one limit on its basis. A value strictly beyond the limit exceeds it,
 * as the alert tracker counts it.
 *
 * @example
 * judgeFigure({ kind: 'so-far', value: 800, estimate: 3200, limit: 100, basis }) // 2 h at 100 dBA: exceeds
 */
export function judgeFigure(
  input: FigureInput,
  rules: SufficientBasisRules = SUFFICIENT_BASIS,
): FigureVerdict {
  const { value, limit, basis } = input
  const beyond = (v: number) => (input.direction === 'below' ? v < limit : v > limit)
  const notes = qualityProblems(basis, rules)
  if (value === undefined) {
    return insufficient([
      reason('no-value', 'The figure has no value yet: too little of its window was measured'),
    ])
  }
  if (input.kind !== 'projection' && beyond(value)) {
    return {
      verdict: 'exceeds',
      reasons: [
        reason(
          'measured-exceedance',
          input.kind === 'so-far'
            ? 'Exceeded on the measured time alone, unmeasured time counted as zero'
            : 'A measured value is beyond the limit',
        ),
        ...notes,
      ],
    }
  }
  const projectionProblems = [...coverageProblems(basis, rules, false), ...notes]
  if (input.kind === 'projection') {
    if (projectionProblems.length > 0) return insufficient(projectionProblems)
    if (beyond(value)) {
      return {
        verdict: 'exceeds',
        reasons: [
          reason(
            'projection-exceeds',
            'The end-of-shift projection is beyond the limit on a sufficient basis',
          ),
        ],
      }
    }
  }
  const withinProblems = [...coverageProblems(basis, rules, true), ...notes]
  if (withinProblems.length > 0) return insufficient(withinProblems)
  const estimate = input.estimate ?? value
  if (beyond(estimate)) {
    return {
      verdict: 'exceeds',
      reasons: [
        reason('projection-exceeds', 'The end-of-shift projection is beyond the limit on a sufficient basis'),
      ],
    }
  }
  return {
    verdict: 'within',
    reasons: [reason('basis-sufficient', 'Within the limit, on a sufficient share of the time measured')],
  }
}

/** What the sensor's state says against the basis, whatever was measured: calibration, faults. */
function qualityProblems(basis: Basis, rules: SufficientBasisRules): Reason[] {
  const problems: Reason[] = []
  if (basis.calibration === 'lapsed') {
    problems.push(reason('calibration-lapsed', "The sensor's calibration was past due"))
  } else if (basis.calibration === 'unknown' && !rules.acceptUnknownCalibration) {
    problems.push(reason('calibration-unknown', 'No calibration due date is registered for the sensor'))
  }
  if (basis.faults.length > 0) {
    problems.push(reason('sensor-fault', `The sensor reports a fault (${basis.faults.join(', ')})`))
  }
  return problems
}

function coverageProblems(basis: Basis, rules: SufficientBasisRules, forWithin: boolean): Reason[] {
  const problems: Reason[] = []
  if (basis.windowMs >= rules.minMeasuredMs && basis.measuredMs < rules.minMeasuredMs) {
    problems.push(
      reason(
        'measured-below-minimum',
        `Measured ${hours(basis.measuredMs)} h, less than the ${hours(rules.minMeasuredMs)} h minimum`,
      ),
    )
  }
  if (basis.longestGapMs > rules.maxGapMs) {
    problems.push(
      reason(
        'gap-too-long',
        `Readings are missing for ${hours(basis.longestGapMs)} h at a stretch, more than ${hours(rules.maxGapMs)} h`,
      ),
    )
  }
  if (forWithin && basis.share < rules.minShareForWithin) {
    problems.push(
      reason(
        'share-below-minimum',
        `Readings cover ${percent(basis.share)} % of the time, less than the ${percent(rules.minShareForWithin)} % needed`,
      ),
    )
  }
  return problems
}

function insufficient(reasons: Reason[]): FigureVerdict {
  return { verdict: 'insufficient-data', reasons }
}

function reason(code: ReasonCode, message: string): Reason {
  return { code, message }
}

function hours(ms: number): number {
  return Math.round(ms / 36_000) / 100
}

function percent(share: number): number {
  return Math.round(share * 1000) / 10
}

/** What ingest (or the CLI) knows of the sensor beyond its readings. */
export interface SensorCondition {
  /** Default `unknown`. */
  readonly calibration?: Calibration
  readonly faults?: readonly string[]
}

/**
 * Whether a time-weighted average over the 8-h reference means anything for the factor. Not on an interval
 * scale (°C: 0 is no absence of heat, so Σ T·t / 8 h of a room at 34 °C measured for 5 h reads 21 °C), nor
 * for relative humidity or oxygen, whose unmeasured time is not zero either. WBGT keeps its 1-h mean.
 */
export function hasTimeWeightedAverage(factor: FactorId): boolean {
  return !NO_TWA.has(factor)
}

const NO_TWA: ReadonlySet<FactorId> = new Set(['temperature', 'humidity', 'wbgt', 'gas.o2'])

/** The basis of a shift figure (TWA, dose, LEX,8h and their projections): the planned shift. */
export function shiftBasis(summary: ExposureSummary, condition: SensorCondition = {}): Basis {
  const { measuredMs, shiftMs, longestGapMs } = summary.measurement
  return basis(measuredMs, Math.max(shiftMs, summary.measurement.elapsedMs), longestGapMs, condition)
}

/** The basis of an instantaneous limit (ceiling, maximum, floor): the time since the shift started. */
export function elapsedBasis(summary: ExposureSummary, condition: SensorCondition = {}): Basis {
  const { measuredMs, elapsedMs, longestGapMs } = summary.measurement
  return basis(measuredMs, elapsedMs, longestGapMs, condition)
}

/**
 * The basis of a rolling window (15 min, 1 h): its longest gap is given as all its unmeasured time, an
 * upper bound, as the window keeps measured time per minute and not where in it.
 */
export function windowBasis(measuredMs: number, windowMs: number, condition: SensorCondition = {}): Basis {
  return basis(measuredMs, windowMs, Math.max(0, windowMs - measuredMs), condition)
}

function basis(
  measuredMs: number,
  windowMs: number,
  longestGapMs: number,
  condition: SensorCondition,
): Basis {
  return {
    measuredMs,
    windowMs,
    share: windowMs > 0 ? Math.min(1, measuredMs / windowMs) : 0,
    longestGapMs,
    calibration: condition.calibration ?? 'unknown',
    faults: condition.faults ?? [],
  }
}

/**
 * Every figure of a summary that has a limit, judged with its basis: what the API, the store, the live
 * feed, the page and `quantrac exposure` show beside the figure.
 *
 * @example
 * const verdicts = exposureVerdicts(evaluator.summary(), limits, { calibration: 'in-date' })
 * verdicts.dose // { verdict: 'insufficient-data', reasons: [{ code: 'measured-below-minimum', … }], basis }
 */
export function exposureVerdicts(
  summary: ExposureSummary,
  limits: ResolvedLimits | undefined,
  condition: SensorCondition = {},
  rules: SufficientBasisRules = SUFFICIENT_BASIS,
): ExposureVerdicts {
  if (limits === undefined) return {}
  const verdicts: ExposureVerdicts = {}
  const judge = (id: FigureId, input: Omit<FigureInput, 'basis'>, figureBasis: Basis) => {
    verdicts[id] = { ...judgeFigure({ ...input, basis: figureBasis }, rules), basis: figureBasis }
  }
  const shift = shiftBasis(summary, condition)
  const upper = limits.ceiling ?? limits.idlh
  if (upper !== undefined) {
    judge(
      'ceiling',
      { kind: 'measured', value: summary.max, limit: upper.value },
      elapsedBasis(summary, condition),
    )
  }
  if (limits.floor !== undefined) {
    judge(
      'floor',
      { kind: 'measured', value: summary.min, limit: limits.floor.value, direction: 'below' },
      elapsedBasis(summary, condition),
    )
  }
  if (limits.stel !== undefined) {
    const stelBasis = windowBasis(
      summary.measurement.stelMeasuredMs,
      summary.measurement.stelWindowMs,
      condition,
    )
    judge('stel', { kind: 'measured', value: summary.stel, limit: limits.stel.value }, stelBasis)
  }
  const hourLimit = limits.hourMean ?? limits.hourMeanAction
  if (hourLimit !== undefined && summary.measurement.hourWindowMs !== undefined) {
    const hourBasis = windowBasis(
      summary.measurement.hourMeasuredMs ?? 0,
      summary.measurement.hourWindowMs,
      condition,
    )
    judge('hourMean', { kind: 'measured', value: summary.hourMean, limit: hourLimit.value }, hourBasis)
  }
  const rule = limits.noise
  if (summary.factor === 'noise' && rule !== undefined) {
    const criterion = rule.criterionLevel.value
    judge(
      'dose',
      { kind: 'so-far', value: summary.dosePercent ?? 0, estimate: summary.projectedDosePercent, limit: 100 },
      shift,
    )
    judge('projectedDose', { kind: 'projection', value: summary.projectedDosePercent, limit: 100 }, shift)
    judge(
      'twa',
      {
        kind: 'so-far',
        value: summary.twa ?? Number.NEGATIVE_INFINITY,
        estimate: summary.projectedTwa,
        limit: criterion,
      },
      shift,
    )
    judge('projectedTwa', { kind: 'projection', value: summary.projectedTwa, limit: criterion }, shift)
    // LEX,8h is an equal-energy figure (ISO 9612): comparable with the criterion level of a 3-dB rule only.
    if (rule.exchangeRate.value === 3) {
      judge(
        'lex8h',
        {
          kind: 'so-far',
          value: summary.lex8h ?? Number.NEGATIVE_INFINITY,
          estimate: summary.projectedLex8h,
          limit: criterion,
        },
        shift,
      )
    }
    return verdicts
  }
  if (limits.twa !== undefined && hasTimeWeightedAverage(summary.factor)) {
    judgeTwa(judge, summary, limits.twa, shift)
  }
  return verdicts
}

function judgeTwa(
  judge: (id: FigureId, input: Omit<FigureInput, 'basis'>, basis: Basis) => void,
  summary: ExposureSummary,
  twa: CanonicalThreshold,
  shift: Basis,
): void {
  judge(
    'twa',
    { kind: 'so-far', value: summary.twa ?? 0, estimate: summary.projectedTwa, limit: twa.value },
    shift,
  )
  judge('projectedTwa', { kind: 'projection', value: summary.projectedTwa, limit: twa.value }, shift)
}
