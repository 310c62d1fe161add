import type { AlertLevel } from '../alerts.ts'
import { FACTORS, type FactorDefinition, type FactorId } from '../factors.ts'
import type { ResolvedLimits } from '../limits/index.ts'
import type { AlertSignal, LevelCheck } from './alert-tracker.ts'
import type { ExposureSummary } from './evaluator.ts'
import { type ExposureVerdicts, exposureVerdicts, type SensorCondition } from './verdicts.ts'

export interface SignalOptions {
  /**
   * The warning for a limit without a regulated action level, as a share of it: 0.5 follows the common
   * convention of an action level at half the exposure limit. Default 0.5.
   */
  readonly warningRatio?: number
  /** The sensor's calibration and faults, for the basis of the projections (verdicts.ts). */
  readonly condition?: SensorCondition
  /** The summary's verdicts, when the caller has them already; else they are judged here. */
  readonly verdicts?: ExposureVerdicts
  /**
   * The values are a screening estimate (WBGT from temperature and humidity, see heat-stress.ts): the
   * heat-stress signal then only warns, at the stricter action value, and its label says it is an estimate.
   */
  readonly estimated?: boolean
}

const DEFAULT_WARNING_RATIO = 0.5

/**
 * Turns an evaluator's summary into one signal per alert kind the limits allow, for `AlertTracker.observe`:
 * `ceiling` (instantaneous, critical at IDLH; a floor is a `below` ceiling), `stel` (15-minute mean),
 * `twa` (8-h TWA so far), `dose` (noise), `projected` (end-of-shift forecast: warning only) and
 * `heat-stress` (1-hour mean WBGT: warning at the action value, alarm at the limit).
 *
 * The TWA and the dose are the "so far" figures, unmeasured time counted as zero: above a limit they are
 * certain. A projection is signalled only when its verdict is not `insufficient-data` (verdicts.ts: 2 h
 * measured, no gap over an hour, calibration, no fault), so too little data raises nothing.
 */
export function exposureSignals(
  summary: ExposureSummary,
  limits: ResolvedLimits,
  options: SignalOptions = {},
): AlertSignal[] {
  const warningRatio = options.warningRatio ?? DEFAULT_WARNING_RATIO
  const { unit, label } = FACTORS[summary.factor]
  const margin = clearMarginOf(summary.factor)
  const signals: AlertSignal[] = []
  const last = summary.lastValue
  const verdicts = options.verdicts ?? exposureVerdicts(summary, limits, options.condition)

  if (limits.ceiling !== undefined || limits.idlh !== undefined) {
    signals.push({
      kind: 'ceiling',
      unit,
      label,
      levels: levels({
        alarm: check(last, limits.ceiling, 1, margin),
        critical: check(last, limits.idlh, 1, margin),
      }),
    })
  }
  if (limits.floor !== undefined) {
    signals.push({
      kind: 'ceiling',
      direction: 'below',
      unit,
      label,
      levels: levels({ alarm: check(last, limits.floor, 1, margin === undefined ? undefined : -margin) }),
    })
  }
  if (limits.stel !== undefined) {
    signals.push({
      kind: 'stel',
      unit,
      label: `${label} 15-min mean`,
      levels: levels({
        warning: check(summary.stel, limits.stel, warningRatio),
        alarm: check(summary.stel, limits.stel),
      }),
    })
  }

  if (limits.hourMean !== undefined || limits.hourMeanAction !== undefined) {
    signals.push(heatStressSignal(summary.hourMean, limits, options.estimated === true, margin))
  }

  const rule = limits.noise
  if (summary.factor === 'noise' && rule !== undefined) {
    const source = rule.criterionLevel.source
    const actionLevel = rule.actionLevel
    const actionLimit = summary.actionDoseLimitPercent
    signals.push({
      kind: 'dose',
      unit: '%',
      label: 'Noise dose',
      levels: levels({
        warning:
          actionLevel !== undefined && actionLimit !== undefined
            ? check(summary.actionDosePercent, { value: actionLimit, source: actionLevel.source })
            : check(summary.dosePercent, { value: 100, source }, warningRatio),
        alarm: check(summary.dosePercent, { value: 100, source }),
      }),
    })
    if (canProject(verdicts.projectedDose)) {
      signals.push({
        kind: 'projected',
        unit: '%',
        label: 'Projected end-of-shift noise dose',
        levels: levels({ warning: check(summary.projectedDosePercent, { value: 100, source }) }),
      })
    }
    return signals
  }

  if (limits.twa !== undefined && summary.twa !== undefined) {
    signals.push({
      kind: 'twa',
      unit,
      label: `${label} 8-h TWA`,
      levels: levels({
        warning: check(summary.twa, limits.twa, warningRatio),
        alarm: check(summary.twa, limits.twa),
      }),
    })
    if (canProject(verdicts.projectedTwa)) {
      signals.push({
        kind: 'projected',
        unit,
        label: `${label} projected end-of-shift TWA`,
        levels: levels({ warning: check(summary.projectedTwa, limits.twa) }),
      })
    }
  }
  return signals
}

/**
 * A projection is compared with its limit once its basis supports a projection: exceeding, within, or under
 * the limit with less of the shift measured than a `within` needs — the case that lets a projected alert
 * clear when the projection falls back.
 */
function canProject(verdict: ExposureVerdicts['projectedTwa']): boolean {
  if (verdict === undefined) return false
  return (
    verdict.verdict !== 'insufficient-data' ||
    verdict.reasons.every((reason) => reason.code === 'share-below-minimum')
  )
}

function heatStressSignal(
  hourMean: number | undefined,
  limits: ResolvedLimits,
  estimated: boolean,
  margin: number | undefined,
): AlertSignal {
  const common = { kind: 'heat-stress', unit: '°C' } as const
  if (estimated) {
    return {
      ...common,
      label: 'WBGT estimated from temperature and humidity (measure WBGT to confirm), 1-h mean',
      levels: levels({ warning: check(hourMean, limits.hourMeanAction ?? limits.hourMean, 1, margin) }),
    }
  }
  return {
    ...common,
    label: 'WBGT 1-h mean',
    levels: levels({
      warning: check(hourMean, limits.hourMeanAction, 1, margin),
      alarm: check(hourMean, limits.hourMean, 1, margin),
    }),
  }
}

function clearMarginOf(factor: FactorId): number | undefined {
  const definition: FactorDefinition = FACTORS[factor]
  return definition.clearMargin
}

/**
 * A sensor silent for longer than `maxSilenceMs`: ingest calls this on a timer, with the evaluator's
 * `lastTime` and three of the sensor's registered reporting intervals. Measured in minutes.
 */
export function offlineSignal(lastTime: number | undefined, now: number, maxSilenceMs: number): AlertSignal {
  const silentMs = lastTime === undefined ? 0 : now - lastTime
  return {
    kind: 'sensor-offline',
    unit: 'min',
    label: 'Time since last reading',
    levels: {
      warning: {
        value: silentMs / 60_000,
        limit: maxSilenceMs / 60_000,
        source: 'quantrac: a sensor silent for three of its reporting intervals is offline',
      },
    },
  }
}

/**
 * Share of a sensor's latest readings outside the factor's physical range (see factors.ts): any share is a
 * fault, and it clears once the sensor has sent only valid readings for the tracker's clearing time.
 */
export function faultSignal(outOfRangeShare: number): AlertSignal {
  return {
    kind: 'sensor-fault',
    unit: '%',
    label: 'Readings out of the physical range',
    levels: {
      alarm: {
        value: 100 * outOfRangeShare,
        limit: 0,
        clearAt: 0,
        source: 'quantrac: reading outside the factor range',
      },
    },
  }
}

/**
 * `value` against `ratio` of `limit`. With a `margin` (°C factors; negative for a floor) the alert clears
 * that far inside the limit rather than at the tracker's share of it.
 */
function check(
  value: number | undefined,
  limit: { readonly value: number; readonly source: string } | undefined,
  ratio = 1,
  margin?: number,
): LevelCheck | undefined {
  if (value === undefined || limit === undefined) return undefined
  const source = ratio === 1 ? limit.source : `${ratio * 100} % of ${limit.source}`
  const result = { value, limit: limit.value * ratio, source }
  return margin === undefined ? result : { ...result, clearAt: result.limit - margin }
}

function levels(
  checks: Partial<Record<AlertLevel, LevelCheck | undefined>>,
): Partial<Record<AlertLevel, LevelCheck>> {
  const result: Partial<Record<AlertLevel, LevelCheck>> = {}
  for (const level of ['warning', 'alarm', 'critical'] as const) {
    const levelCheck = checks[level]
    if (levelCheck !== undefined) result[level] = levelCheck
  }
  return result
}
