import type { Alert } from '../../core/alerts.ts'
import type { ExposurePoint, Reading } from '../../core/contract.ts'
import type { FactorId } from '../../core/factors.ts'
import type { AggregatePoint, LatestQuery, SeriesQuery, TimeSeriesStore } from '../types.ts'
import { connectInflux, type InfluxConnectionOptions } from './connection.ts'
import { seriesOf, stringLiteral } from './influxql.ts'
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

/**
 * The InfluxDB store. Schema (database or bucket, precision ms):
 * - `reading`  tags facility, factor, sensor; field value (canonical unit of the factor)
 * - `alert`    tags facility, factor, kind, level, sensor, state; fields id, value, limit, message
 * - `exposure` tags facility, factor, sensor; fields shift_start, coverage, stel, twa, twa_projected,
 *              dose, dose_projected, lex8h
 */
export async function createInfluxStore(options: InfluxConnectionOptions): Promise<TimeSeriesStore> {
  const influx = connectInflux(options)
  await influx.ensureDatabase()

  return {
    kind: 'influxdb',

    async writeReadings(readings: readonly Reading[]) {
      if (readings.length === 0) return
      let body = readingLine(readings[0]!)
      for (let i = 1; i < readings.length; i++) body += `\n${readingLine(readings[i]!)}`
      await influx.write(body)
    },

    async writeAlertEvents(alerts: readonly Alert[]) {
      if (alerts.length > 0) await influx.write(alerts.map(alertLine).join('\n'))
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
      return seriesOf(body as never).map((series) => {
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
        return point
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
      const body = await influx.query(
        `SELECT mean("value"), max("value"), count("value") FROM "reading"` +
          ` WHERE "sensor" = ${stringLiteral(query.sensorId)} AND "factor" = ${stringLiteral(query.factor)}` +
          ` AND time >= ${query.from}ms AND time < ${query.to}ms` +
          ` GROUP BY time(${query.intervalMs}ms) fill(none)`,
      )
      const [series] = seriesOf(body as never)
      return (series?.values ?? []).map(([time, mean, max, count]) => ({
        time: time as number,
        mean: mean as number,
        max: max as number,
        count: count as number,
      }))
    },

    async close() {},
  }
}
