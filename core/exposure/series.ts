import type { AlertKind, AlertLevel } from '../alerts.ts'
import type { FactorId } from '../factors.ts'
import type { ResolvedLimits } from '../limits/index.ts'
import {
  type AlertKey,
  AlertTracker,
  type AlertTrackerOptions,
  type AlertTransition,
} from './alert-tracker.ts'
import { DEFAULT_MAX_SAMPLE_INTERVAL_MS, ExposureEvaluator, type ExposureSummary } from './evaluator.ts'
import { exposureSignals, offlineSignal } from './signals.ts'

/** One period during which a limit was exceeded. */
export interface Exceedance {
  readonly kind: AlertKind
  /** The highest level reached. */
  readonly level: AlertLevel
  readonly from: number
  /** Absent when the exceedance lasted until the last reading. */
  readonly to?: number
  /** The worst value while it lasted, compared with `limit` (both in `unit`). */
  readonly worst: number
  readonly limit: number
  readonly unit: string
  readonly source: string
}

export interface SeriesOptions {
  readonly factor: FactorId
  readonly limits: ResolvedLimits | undefined
  /** Default: the first reading's time. */
  readonly shiftStart?: number
  readonly shiftHours?: number
  readonly maxSampleIntervalMs?: number
  readonly alerts?: Omit<AlertTrackerOptions, 'newId'>
}

export interface SeriesResult {
  readonly summary: ExposureSummary
  readonly exceedances: Exceedance[]
}

/**
 * Replays a recorded series through the live engine (evaluator, signals, alert tracker) as ingest would
 * see it, reading by reading, and reports the shift's exposure and every exceedance.
 */
export function evaluateSeries(
  readings: Iterable<{ readonly time: number; readonly value: number }>,
  options: SeriesOptions,
): SeriesResult {
  const maxSampleIntervalMs = options.maxSampleIntervalMs ?? DEFAULT_MAX_SAMPLE_INTERVAL_MS
  let next = 0
  const tracker = new AlertTracker({ ...options.alerts, newId: () => String(++next) })
  const key: AlertKey = { facilityId: 'series', sensorId: 'series', factor: options.factor }
  const exceedances = new Map<string, Exceedance>()
  let evaluator: ExposureEvaluator | undefined

  for (const { time, value } of readings) {
    evaluator ??= new ExposureEvaluator({
      factor: options.factor,
      shiftStart: options.shiftStart ?? time,
      shiftHours: options.shiftHours,
      maxSampleIntervalMs,
      noise: options.limits?.noise,
      hourMean: options.limits?.hourMean !== undefined,
    })
    const previousTime = evaluator.lastTime
    if (evaluator.observe(time, value) !== 'accepted') continue
    const signals = [offlineSignal(previousTime, time, maxSampleIntervalMs)]
    if (options.limits !== undefined) signals.push(...exposureSignals(evaluator.summary(), options.limits))
    for (const signal of signals) {
      for (const transition of tracker.observe(key, signal, time)) record(exceedances, transition)
    }
  }
  if (evaluator === undefined) throw new Error('the series has no readings')
  return { summary: evaluator.summary(), exceedances: [...exceedances.values()] }
}

function record(exceedances: Map<string, Exceedance>, { alert }: AlertTransition): void {
  exceedances.set(alert.id, {
    kind: alert.kind,
    level: alert.level,
    from: alert.openedAt,
    to: alert.clearedAt,
    worst: alert.value,
    limit: alert.limit,
    unit: alert.unit,
    source: alert.source,
  })
}
