import type { AlertEvent } from '../core/alert-lifecycle.ts'
import type { ExposurePoint, Reading } from '../core/contract.ts'
import type { JudgedFigure } from '../core/exposure/verdicts.ts'
import type { FactorId } from '../core/factors.ts'

/** Minimum, mean and maximum of one sensor's factor over one interval. */
export interface AggregatePoint {
  time: number
  min: number
  mean: number
  max: number
  count: number
  /** The equal-energy mean `10·log10(mean(10^(v/10)))`, when the query asked for it (noise: LAeq). */
  energyMean?: number
}

export interface SeriesQuery {
  sensorId: string
  factor: FactorId
  /** Epoch ms, inclusive. */
  from: number
  /** Epoch ms, exclusive. */
  to: number
  intervalMs: number
  /** Also the equal-energy mean of each interval: levels in decibels average by energy, not arithmetically. */
  energyMean?: boolean
}

export interface LatestQuery {
  facilityId?: string
  /** Only these facilities (a caller's scope); undefined means all, empty means none. */
  facilityIds?: readonly string[]
  sensorId?: string
}

/** The exposures of one facility's shift, for its shift report. */
export interface ShiftExposureQuery {
  facilityId: string
  /** Epoch ms the shift started: the `shiftStart` its points carry. */
  shiftStart: number
}

/** Where one sensor's factor ended a shift, and the highest 15-minute mean it reached in it. */
export interface ShiftExposure {
  /** The last figures of the shift (TWA, dose, LEX,8h so far, coverage, verdicts and their basis). */
  last: ExposurePoint
  /** The highest STEL of the shift's points, when the factor has one: when, and its verdict then. */
  peakStel?: { value: number; time: number; judged?: JudgedFigure }
}

/** One sensor's factor, whose data coverage a report asks for. */
export interface CoverageSeries {
  sensorId: string
  factor: FactorId
}

export interface CoverageQuery {
  series: readonly CoverageSeries[]
  /** Epoch ms, inclusive. */
  from: number
  /** Epoch ms, exclusive. */
  to: number
}

/** In how many distinct clock hours of a window one sensor's factor has at least one reading. */
export interface ReadingCoverage {
  sensorId: string
  factor: FactorId
  /**
   * Distinct hours with a reading, by UTC hour of day (24 entries, index 0 = 00:00–01:00 UTC): a facility's
   * working hours are a set of hours of the day, so this is all core/coverage needs to judge them.
   */
  hoursByUtcHour: number[]
}

/**
 * Where readings and alert events are kept over time. Two implementations: InfluxDB (production)
 * and SQLite (the embedded default). Writes arrive in batches from the ingest's batch writer.
 */
export interface TimeSeriesStore {
  readonly kind: 'influxdb' | 'sqlite'
  /**
   * Whether a failed write may succeed later (an unreachable, overloaded or locked store), so the batch
   * stays in the spool, or never will (data the store refuses), so it is dead-lettered.
   */
  isRetryable(err: unknown): boolean
  /** Resolves when the store answers; throws StoreUnavailableError (store/errors.ts) when it does not. */
  ping(): Promise<void>
  writeReadings(readings: readonly Reading[]): Promise<void>
  /**
   * Every change of an alert (opened, escalated, acknowledged, resolved, cleared, notified) as an event, for
   * history and Grafana; fed from the alert register's event log, at least once: a repeat is harmless.
   */
  writeAlertEvents(events: readonly AlertEvent[]): Promise<void>
  /** Exposure figures, at most one point per sensor and factor a minute. */
  writeExposures(points: readonly ExposurePoint[]): Promise<void>
  /** The newest exposure of every (sensor, factor) matching the query, in the current or last shift. */
  latestExposures(query: LatestQuery): Promise<ExposurePoint[]>
  /** Every (sensor, factor) of a facility with figures in that shift: its last point and peak STEL. */
  shiftExposures(query: ShiftExposureQuery): Promise<ShiftExposure[]>
  /** The newest reading of every (sensor, factor) matching the query. */
  latestReadings(query: LatestQuery): Promise<Reading[]>
  readingSeries(query: SeriesQuery): Promise<AggregatePoint[]>
  /**
   * Data coverage for the regulator's report: hours with at least one reading, per series asked for
   * (series without any reading in the window are left out). Costs one pass over the window's readings
   * of those series; see core/coverage/README.md for national scale.
   */
  readingCoverage(query: CoverageQuery): Promise<ReadingCoverage[]>
  close(): Promise<void>
}
