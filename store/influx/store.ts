import type { AlertEvent } from '../../core/alert-lifecycle.ts'
import type { ExposurePoint, Reading } from '../../core/contract.ts'
import type { FactorId } from '../../core/factors.ts'
import type {
  AggregatePoint,
  CoverageQuery,
  LatestQuery,
  ReadingCoverage,
  SeriesQuery,
  ShiftExposure,
  ShiftExposureQuery,
  TimeSeriesStore,
} from '../types.ts'
import { connectInflux, type InfluxConnectionOptions, InfluxWriteError } from './connection.ts'
import { type InfluxSeries, seriesOf, stringLiteral } from './influxql.ts'
import { alertLine, EXPOSURE_FIELDS, exposureLine, readingLine } from './line-protocol.ts'

/** How far back "latest reading" looks: bounded so the query never scans every shard ever written. */
const LATEST_LOOKBACK = '30d'

function latestWhere(query: LatestQuery): string {
  const where = [`time > now() - ${LATEST_LOOKBACK}`]
  if (query.facilityId !== undefined) where.push(`"facility" = ${stringLiteral(query.facilityId)}`)
  if (query.sensorId !== undefined) where.push(`"sensor" = ${stringLiteral(query.sensorId)}`)
  if (query.facilityIds !== undefined) {
    where.push(`(${query.facilityIds.map((id) => `"facility" = ${stringLiteral(id)}`).join(' OR ')})`)
  }
  return where.join(' AND ')
}

const HOUR_MS = 3_600_000
/**
 * Coverage queries are cut into sensors × time chunks so no single answer exceeds
 * 25 sensors × their factors × 744 hourly rows, and run a few at a time.
 */
const COVERAGE_SENSORS_PER_QUERY = 25
const COVERAGE_HOURS_PER_QUERY = 31 * 24
const COVERAGE_CONCURRENCY = 4

/** Splits [from, to) at whole hours, so an hour never falls in two chunks and is never counted twice. */
function hourChunks(from: number, to: number): [number, number][] {
  const chunks: [number, number][] = []
  let start = from
  while (start < to) {
    const end = Math.min(to, (Math.floor(start / HOUR_MS) + COVERAGE_HOURS_PER_QUERY) * HOUR_MS)
    chunks.push([start, end])
    start = end
  }
  return chunks
}

/** The first row of a `SELECT * FROM "exposure" … GROUP BY "facility", "sensor", "factor"` series. */
function exposureOf(series: InfluxSeries): ExposurePoint {
  const row = Object.fromEntries(series.columns.map((column, i) => [column, series.values[0]?.[i]]))
  const point: ExposurePoint = {
    facilityId: series.tags?.facility ?? '',
    sensorId: series.tags?.sensor ?? '',
    factor: series.tags?.factor as FactorId,
    time: row.time as number,
    shiftStart: row.shift_start as number,
    coverage: row.coverage as number,
  }
  for (const [property, field] of EXPOSURE_FIELDS) {
    const value = row[field]
    if (typeof value === 'number') point[property] = value
  }
  // JSON that exposureLine wrote from the same types.
  if (typeof row.basis === 'string') point.basis = JSON.parse(row.basis)
  if (typeof row.verdicts === 'string') point.verdicts = JSON.parse(row.verdicts)
  return point
}

/**
 * The InfluxDB store. Schema (database or bucket, precision ms):
 * - `reading`  tags facility, factor, sensor; field value (canonical unit of the factor)
 * - `alert`    tags event, facility, factor, kind, level, reason, sensor, state; fields id, value, limit,
 *              message, actor, actor_key, recipients, note
 * - `exposure` tags facility, factor, sensor; fields shift_start, coverage, stel, twa, twa_projected,
 *              dose, dose_projected, lex8h, hour_mean; basis and verdicts (JSON strings) and one
 *              `<figure>_verdict` string per judged figure (VERDICT_FIELDS)
 */
export async function createInfluxStore(options: InfluxConnectionOptions): Promise<TimeSeriesStore> {
  const influx = connectInflux(options)
  await influx.ensureDatabase()

  return {
    kind: 'influxdb',
    // A 4xx is data InfluxDB refuses; anything else (network, 5xx, a timeout) may pass later.
    isRetryable: (err) => (err instanceof InfluxWriteError ? err.retryable : true),
    ping: () => influx.ping(),

    async writeReadings(readings: readonly Reading[]) {
      if (readings.length === 0) return
      let body = readingLine(readings[0]!)
      for (let i = 1; i < readings.length; i++) body += `\n${readingLine(readings[i]!)}`
      await influx.write(body)
    },

    async writeAlertEvents(events: readonly AlertEvent[]) {
      if (events.length > 0) await influx.write(events.map(alertLine).join('\n'))
    },

    async writeExposures(points: readonly ExposurePoint[]) {
      if (points.length > 0) await influx.write(points.map(exposureLine).join('\n'))
    },

    async latestExposures(query: LatestQuery) {
      if (query.facilityIds?.length === 0) return []
      // Several last() selectors would report the range's start as the time: take the newest row instead.
      const body = await influx.query(
        `SELECT * FROM "exposure" WHERE ${latestWhere(query)}` +
          ' GROUP BY "facility", "sensor", "factor" ORDER BY time DESC LIMIT 1',
      )
      return seriesOf(body as never).map(exposureOf)
    },

    async shiftExposures(query: ShiftExposureQuery): Promise<ShiftExposure[]> {
      const where =
        `"facility" = ${stringLiteral(query.facilityId)} AND "shift_start" = ${query.shiftStart}` +
        ` AND time >= ${query.shiftStart}ms`
      const [lastBody, peakBody] = await Promise.all([
        influx.query(
          `SELECT * FROM "exposure" WHERE ${where} GROUP BY "facility", "sensor", "factor" ORDER BY time DESC LIMIT 1`,
        ),
        // A selector with other fields gives them from the point it selects.
        influx.query(
          `SELECT max("stel"), "verdicts" FROM "exposure" WHERE ${where} GROUP BY "sensor", "factor"`,
        ),
      ])
      const peaks = new Map(
        seriesOf(peakBody as never).map((series) => [
          `${series.tags?.sensor}\u0000${series.tags?.factor}`,
          series.values[0] as [number, number, string | null] | undefined,
        ]),
      )
      return seriesOf(lastBody as never).map((series) => {
        const exposure: ShiftExposure = { last: exposureOf(series) }
        const peak = peaks.get(`${series.tags?.sensor}\u0000${series.tags?.factor}`)
        if (peak !== undefined && typeof peak[1] === 'number') {
          const [time, value, verdicts] = peak
          exposure.peakStel = {
            value,
            time,
            judged: typeof verdicts === 'string' ? JSON.parse(verdicts).stel : undefined,
          }
        }
        return exposure
      })
    },

    async latestReadings(query: LatestQuery) {
      if (query.facilityIds?.length === 0) return []
      const body = await influx.query(
        `SELECT last("value") AS "value" FROM "reading" WHERE ${latestWhere(query)} GROUP BY "facility", "sensor", "factor"`,
      )
      return seriesOf(body as never).map((series) => {
        const [time, value] = series.values[0] as [number, number]
        return {
          facilityId: series.tags?.facility ?? '',
          sensorId: series.tags?.sensor ?? '',
          factor: series.tags?.factor as FactorId,
          value,
          time,
        }
      })
    },

    async readingSeries(query: SeriesQuery): Promise<AggregatePoint[]> {
      const where =
        `"sensor" = ${stringLiteral(query.sensorId)} AND "factor" = ${stringLiteral(query.factor)}` +
        ` AND time >= ${query.from}ms AND time < ${query.to}ms`
      const groupBy = ` GROUP BY time(${query.intervalMs}ms) fill(none)`
      const [body, energyBody] = await Promise.all([
        influx.query(
          `SELECT min("value"), mean("value"), max("value"), count("value") FROM "reading" WHERE ${where}${groupBy}`,
        ),
        // InfluxQL has no aggregate of an expression: the subquery turns each level into its energy first.
        query.energyMean
          ? influx.query(
              `SELECT mean("energy") FROM (SELECT pow(10, "value" / 10) AS "energy" FROM "reading" WHERE ${where})` +
                ` WHERE time >= ${query.from}ms AND time < ${query.to}ms${groupBy}`,
            )
          : undefined,
      ])
      const energy = new Map(
        (energyBody === undefined ? [] : (seriesOf(energyBody as never)[0]?.values ?? [])).map(
          ([time, mean]) => [time as number, 10 * Math.log10(mean as number)],
        ),
      )
      const [series] = seriesOf(body as never)
      return (series?.values ?? []).map(([time, min, mean, max, count]) => {
        const point: AggregatePoint = {
          time: time as number,
          min: min as number,
          mean: mean as number,
          max: max as number,
          count: count as number,
        }
        const energyMean = energy.get(time as number)
        if (energyMean !== undefined) point.energyMean = energyMean
        return point
      })
    },

    async readingCoverage(query: CoverageQuery): Promise<ReadingCoverage[]> {
      const wanted = new Map<string, ReadingCoverage>()
      for (const { sensorId, factor } of query.series) {
        wanted.set(`${sensorId}\u0000${factor}`, { sensorId, factor, hoursByUtcHour: new Array(24).fill(0) })
      }
      const sensors = [...new Set(query.series.map((s) => s.sensorId))]
      const statements: string[] = []
      for (let i = 0; i < sensors.length; i += COVERAGE_SENSORS_PER_QUERY) {
        const chunk = sensors.slice(i, i + COVERAGE_SENSORS_PER_QUERY)
        const factors = [
          ...new Set(query.series.filter((s) => chunk.includes(s.sensorId)).map((s) => s.factor)),
        ]
        const sensorFilter = chunk.map((id) => `"sensor" = ${stringLiteral(id)}`).join(' OR ')
        const factorFilter = factors.map((f) => `"factor" = ${stringLiteral(f)}`).join(' OR ')
        for (const [from, to] of hourChunks(query.from, query.to)) {
          statements.push(
            `SELECT count("value") FROM "reading" WHERE time >= ${from}ms AND time < ${to}ms` +
              ` AND (${sensorFilter}) AND (${factorFilter}) GROUP BY time(1h), "sensor", "factor" fill(none)`,
          )
        }
      }
      let next = 0
      async function worker() {
        while (next < statements.length) {
          const body = await influx.query(statements[next++]!)
          for (const series of seriesOf(body as never)) {
            const found = wanted.get(`${series.tags?.sensor}\u0000${series.tags?.factor}`)
            if (found === undefined) continue
            for (const [time] of series.values) {
              found.hoursByUtcHour[Math.floor((time as number) / HOUR_MS) % 24]! += 1
            }
          }
        }
      }
      await Promise.all(Array.from({ length: COVERAGE_CONCURRENCY }, worker))
      return [...wanted.values()].filter((c) => c.hoursByUtcHour.some((hours) => hours > 0))
    },

    async close() {},
  }
}
