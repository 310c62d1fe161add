import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { Alert } from '../../core/alerts.ts'
import type { Reading } from '../../core/contract.ts'
import type { FactorId } from '../../core/factors.ts'
import type { AggregatePoint, LatestQuery, SeriesQuery, TimeSeriesStore } from '../types.ts'
import { configureShared, migrate } from './migrate.ts'

/**
 * The embedded store: one SQLite file, for a single site or a demo without InfluxDB. Writes are
 * synchronous inside one transaction per batch, which SQLite turns into one fsync.
 */
export function createSqliteStore(path: string): TimeSeriesStore {
  mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseSync(path)
  configureShared(db)
  migrate(db, new URL('./migrations/', import.meta.url))

  const insertReading = db.prepare(
    'INSERT INTO reading (time, facility, sensor, factor, value) VALUES (?, ?, ?, ?, ?)',
  )
  const upsertLatest = db.prepare(
    `INSERT INTO latest_reading (sensor, factor, facility, time, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (sensor, factor) DO UPDATE SET facility = excluded.facility, time = excluded.time, value = excluded.value
     WHERE excluded.time >= latest_reading.time`,
  )
  const insertAlertEvent = db.prepare(
    `INSERT INTO alert_event (time, id, facility, sensor, factor, kind, level, state, value, "limit", message)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const series = db.prepare(
    `SELECT time - time % :interval AS bucket, avg(value) AS mean, max(value) AS max, count(*) AS count
     FROM reading WHERE sensor = :sensor AND factor = :factor AND time >= :from AND time < :to
     GROUP BY bucket ORDER BY bucket`,
  )

  function inTransaction(work: () => void): void {
    db.exec('BEGIN')
    try {
      work()
      db.exec('COMMIT')
    } catch (err) {
      db.exec('ROLLBACK')
      throw err
    }
  }

  return {
    kind: 'sqlite',

    async writeReadings(readings: readonly Reading[]) {
      inTransaction(() => {
        for (const r of readings) {
          insertReading.run(r.time, r.facilityId, r.sensorId, r.factor, r.value)
          upsertLatest.run(r.sensorId, r.factor, r.facilityId, r.time, r.value)
        }
      })
    },

    async writeAlertEvents(alerts: readonly Alert[]) {
      inTransaction(() => {
        for (const a of alerts) {
          insertAlertEvent.run(
            a.updatedAt,
            a.id,
            a.facilityId,
            a.sensorId,
            a.factor,
            a.kind,
            a.level,
            a.state,
            a.value,
            a.limit,
            a.message,
          )
        }
      })
    },

    async latestReadings(query: LatestQuery) {
      const where: string[] = []
      const params: string[] = []
      if (query.facilityId !== undefined) {
        where.push('facility = ?')
        params.push(query.facilityId)
      }
      if (query.sensorId !== undefined) {
        where.push('sensor = ?')
        params.push(query.sensorId)
      }
      const rows = db
        .prepare(
          `SELECT facility, sensor, factor, time, value FROM latest_reading
           ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY facility, sensor, factor`,
        )
        .all(...params) as {
        facility: string
        sensor: string
        factor: FactorId
        time: number
        value: number
      }[]
      return rows.map((row) => ({
        facilityId: row.facility,
        sensorId: row.sensor,
        factor: row.factor,
        time: row.time,
        value: row.value,
      }))
    },

    async readingSeries(query: SeriesQuery): Promise<AggregatePoint[]> {
      const rows = series.all({
        interval: query.intervalMs,
        sensor: query.sensorId,
        factor: query.factor,
        from: query.from,
        to: query.to,
      }) as { bucket: number; mean: number; max: number; count: number }[]
      return rows.map((row) => ({ time: row.bucket, mean: row.mean, max: row.max, count: row.count }))
    },

    async close() {
      db.close()
    },
  }
}
