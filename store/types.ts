import type { Alert } from '../core/alerts.ts'
import type { ExposurePoint, Reading } from '../core/contract.ts'
import type { FactorId } from '../core/factors.ts'

/** Mean and maximum of one sensor's factor over one interval. */
export interface AggregatePoint {
  time: number
  mean: number
  max: number
  count: number
}

export interface SeriesQuery {
  sensorId: string
  factor: FactorId
  /** Epoch ms, inclusive. */
  from: number
  /** Epoch ms, exclusive. */
  to: number
  intervalMs: number
}

export interface LatestQuery {
  facilityId?: string
  /** Only these facilities (a caller's scope); undefined means all, empty means none. */
  facilityIds?: readonly string[]
  sensorId?: string
}

/**
 * Where readings and alert events are kept over time. Two implementations: InfluxDB (production)
 * and SQLite (the embedded default). Writes arrive in batches from the ingest's batch writer.
 */
export interface TimeSeriesStore {
  readonly kind: 'influxdb' | 'sqlite'
  writeReadings(readings: readonly Reading[]): Promise<void>
  /** Every change of an alert (opened, escalated, acknowledged, cleared) as an event, for history and Grafana. */
  writeAlertEvents(alerts: readonly Alert[]): Promise<void>
  /** Exposure figures, at most one point per sensor and factor a minute. */
  writeExposures(points: readonly ExposurePoint[]): Promise<void>
  /** The newest exposure of every (sensor, factor) matching the query, in the current or last shift. */
  latestExposures(query: LatestQuery): Promise<ExposurePoint[]>
  /** The newest reading of every (sensor, factor) matching the query. */
  latestReadings(query: LatestQuery): Promise<Reading[]>
  readingSeries(query: SeriesQuery): Promise<AggregatePoint[]>
  close(): Promise<void>
}
