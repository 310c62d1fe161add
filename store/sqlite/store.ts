import { DatabaseSync } from 'node:sqlite'
import type { AlertEvent } from '../../core/alert-lifecycle.ts'
import type { ExposurePoint, Reading } from '../../core/contract.ts'
import type { FactorId } from '../../core/factors.ts'
import { configureShared, migrate } from '../../sqlite/database.ts'
import { alertEventPeople } from '../alert-events.ts'
import { ensurePrivateFile, SQLITE_COMPANIONS } from '../private-files.ts'
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

interface ExposureRow {
  time: number
  facility: string
  sensor: string
  factor: FactorId
  shift_start: number
  coverage: number
  stel: number | null
  twa: number | null
  twa_projected: number | null
  dose: number | null
  dose_projected: number | null
  lex8h: number | null
  hour_mean: number | null
  basis: string | null
  verdicts: string | null
}

function toExposurePoint(row: ExposureRow): ExposurePoint {
  const point: ExposurePoint = {
    facilityId: row.facility,
    sensorId: row.sensor,
    factor: row.factor,
    time: row.time,
    shiftStart: row.shift_start,
    coverage: row.coverage,
  }
  if (row.stel !== null) point.stel = row.stel
  if (row.twa !== null) point.twa = row.twa
  if (row.twa_projected !== null) point.twaProjected = row.twa_projected
  if (row.dose !== null) point.dose = row.dose
  if (row.dose_projected !== null) point.doseProjected = row.dose_projected
  if (row.lex8h !== null) point.lex8h = row.lex8h
  if (row.hour_mean !== null) point.hourMean = row.hour_mean
  // Written by writeExposures from the same types: JSON the store itself produced.
  if (row.basis !== null) point.basis = JSON.parse(row.basis)
  if (row.verdicts !== null) point.verdicts = JSON.parse(row.verdicts)
  return point
}

function latestFilter(query: LatestQuery): { clause: string; params: string[] } {
  const where: string[] = []
  const params: string[] = []
  if (query.facilityIds !== undefined) {
    where.push(
      query.facilityIds.length === 0 ? '0' : `facility IN (${query.facilityIds.map(() => '?').join(', ')})`,
    )
    params.push(...query.facilityIds)
  }
  if (query.facilityId !== undefined) {
    where.push('facility = ?')
    params.push(query.facilityId)
  }
  if (query.sensorId !== undefined) {
    where.push('sensor = ?')
    params.push(query.sensorId)
  }
  return { clause: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params }
}

/** SQLite's primary result codes for data it refuses (https://sqlite.org/rescode.html): too big, constraint, mismatch, range. */
const DATA_REFUSED_CODES = new Set([18, 19, 20, 25])

/** A locked, busy, full or failing file may take the write later; data SQLite refuses never will. */
function isRetryableSqliteError(err: unknown): boolean {
  const code = (err as { errcode?: unknown }).errcode
  return typeof code !== 'number' || !DATA_REFUSED_CODES.has(code & 0xff)
}

/**
 * Rows a batch writes between two turns of the event loop. A whole batch at once held the loop ~100 ms
 * (5,000 exposure points at 100,000 sensors, bench section 7), delaying alerts and PUBACKs behind it.
 */
export const ROWS_PER_TURN = 250

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * The embedded store: one SQLite file, for a single site or a demo without InfluxDB. A batch is one
 * transaction, all of it or none (a retried batch never half-repeats), written ROWS_PER_TURN rows at a time
 * with the event loop given back in between; batches are written one after another, since a batch's
 * transaction stays open across its turns.
 */
export function createSqliteStore(path: string): TimeSeriesStore {
  ensurePrivateFile(path, SQLITE_COMPANIONS)
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
    `INSERT OR IGNORE INTO alert_event (time, id, facility, sensor, factor, kind, level, state, value, "limit",
       message, event, reason, actor, actor_key, recipients, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const exposureColumns = `time, facility, sensor, factor, shift_start, coverage, stel, twa, twa_projected, dose,
    dose_projected, lex8h, hour_mean, basis, verdicts`
  const insertExposure = db.prepare(
    `INSERT INTO exposure (${exposureColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const upsertLatestExposure = db.prepare(
    `INSERT OR REPLACE INTO latest_exposure (${exposureColumns}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
     WHERE NOT EXISTS (SELECT 1 FROM latest_exposure WHERE sensor = ?3 AND factor = ?4 AND time > ?1)`,
  )
  const series = db.prepare(
    `SELECT time - time % :interval AS bucket, min(value) AS min, avg(value) AS mean, max(value) AS max, count(*) AS count
     FROM reading WHERE sensor = :sensor AND factor = :factor AND time >= :from AND time < :to
     GROUP BY bucket ORDER BY bucket`,
  )
  // node:sqlite is built with SQLite's math functions (pow, log10).
  const energySeries = db.prepare(
    `SELECT time - time % :interval AS bucket, 10 * log10(avg(pow(10, value / 10.0))) AS energy
     FROM reading WHERE sensor = :sensor AND factor = :factor AND time >= :from AND time < :to
     GROUP BY bucket ORDER BY bucket`,
  )
  // exposure_by_facility (facility, time): a shift's points are written from its start on (late readings later).
  // SQLite gives the bare columns of the row that holds the max() (sqlite.org/lang_select.html#bareagg).
  const shiftWhere =
    'facility = :facility AND time >= :start AND shift_start = :start GROUP BY sensor, factor'
  const shiftLast = db.prepare(`SELECT *, max(time) FROM exposure WHERE ${shiftWhere}`)
  const shiftPeakStel = db.prepare(
    `SELECT sensor, factor, time, verdicts, max(stel) AS stel FROM exposure WHERE stel IS NOT NULL AND ${shiftWhere}`,
  )
  // One index range (sensor, factor, time) per series; hours are whole UTC hours since the epoch.
  const coverage = db.prepare(
    `SELECT (time / 3600000) % 24 AS hour_of_day, count(DISTINCT time / 3600000) AS hours
     FROM reading WHERE sensor = ? AND factor = ? AND time >= ? AND time < ? GROUP BY hour_of_day`,
  )

  let writing: Promise<void> = Promise.resolve()
  /** Writes `rows` as one transaction, in pieces, after the batches handed over before. */
  function writeBatch<T>(rows: readonly T[], writeRow: (row: T) => void): Promise<void> {
    const written = writing.then(async () => {
      db.exec('BEGIN')
      try {
        for (let i = 0; i < rows.length; i++) {
          if (i > 0 && i % ROWS_PER_TURN === 0) await nextTurn()
          writeRow(rows[i] as T)
        }
        db.exec('COMMIT')
      } catch (err) {
        // SQLite may have rolled back already (a full disk, say); otherwise nothing of the batch stays.
        if (db.isTransaction) db.exec('ROLLBACK')
        throw err
      }
    })
    writing = written.catch(() => undefined)
    return written
  }

  const probe = db.prepare('SELECT 1')
  return {
    kind: 'sqlite',
    isRetryable: isRetryableSqliteError,
    // An embedded file: it answers as long as this process can read it.
    async ping() {
      probe.get()
    },

    writeReadings(readings: readonly Reading[]) {
      return writeBatch(readings, (r) => {
        insertReading.run(r.time, r.facilityId, r.sensorId, r.factor, r.value)
        upsertLatest.run(r.sensorId, r.factor, r.facilityId, r.time, r.value)
      })
    },

    writeAlertEvents(events: readonly AlertEvent[]) {
      return writeBatch(events, (event) => {
        const a = event.alert
        const people = alertEventPeople(event)
        insertAlertEvent.run(
          event.at,
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
          event.type,
          event.reason ?? null,
          people.actor ?? null,
          people.actorKey ?? null,
          people.recipients ?? null,
          event.note ?? null,
        )
      })
    },

    writeExposures(points: readonly ExposurePoint[]) {
      return writeBatch(points, (p) => {
        const values = [
          p.time,
          p.facilityId,
          p.sensorId,
          p.factor,
          p.shiftStart,
          p.coverage,
          p.stel ?? null,
          p.twa ?? null,
          p.twaProjected ?? null,
          p.dose ?? null,
          p.doseProjected ?? null,
          p.lex8h ?? null,
          p.hourMean ?? null,
          p.basis === undefined ? null : JSON.stringify(p.basis),
          p.verdicts === undefined ? null : JSON.stringify(p.verdicts),
        ]
        insertExposure.run(...values)
        upsertLatestExposure.run(...values)
      })
    },

    async latestExposures(query: LatestQuery) {
      const { clause, params } = latestFilter(query)
      const rows = db
        .prepare(`SELECT * FROM latest_exposure ${clause} ORDER BY facility, sensor, factor`)
        .all(...params) as unknown as ExposureRow[]
      return rows.map(toExposurePoint)
    },

    async shiftExposures(query: ShiftExposureQuery): Promise<ShiftExposure[]> {
      const params = { facility: query.facilityId, start: query.shiftStart }
      const peaks = new Map(
        (
          shiftPeakStel.all(params) as {
            sensor: string
            factor: string
            time: number
            verdicts: string | null
            stel: number
          }[]
        ).map((row) => [
          `${row.sensor}\u0000${row.factor}`,
          {
            value: row.stel,
            time: row.time,
            judged: row.verdicts === null ? undefined : JSON.parse(row.verdicts).stel,
          },
        ]),
      )
      const rows = shiftLast.all(params) as unknown as ExposureRow[]
      return rows.map((row) => {
        const exposure: ShiftExposure = { last: toExposurePoint(row) }
        const peak = peaks.get(`${row.sensor}\u0000${row.factor}`)
        if (peak !== undefined) exposure.peakStel = peak
        return exposure
      })
    },

    async latestReadings(query: LatestQuery) {
      const { clause, params } = latestFilter(query)
      const rows = db
        .prepare(
          `SELECT facility, sensor, factor, time, value FROM latest_reading ${clause} ORDER BY facility, sensor, factor`,
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
      const params = {
        interval: query.intervalMs,
        sensor: query.sensorId,
        factor: query.factor,
        from: query.from,
        to: query.to,
      }
      const rows = series.all(params) as {
        bucket: number
        min: number
        mean: number
        max: number
        count: number
      }[]
      const energy = query.energyMean
        ? new Map(
            (energySeries.all(params) as { bucket: number; energy: number }[]).map((r) => [
              r.bucket,
              r.energy,
            ]),
          )
        : undefined
      return rows.map((row) => {
        const point: AggregatePoint = {
          time: row.bucket,
          min: row.min,
          mean: row.mean,
          max: row.max,
          count: row.count,
        }
        const energyMean = energy?.get(row.bucket)
        if (energyMean !== undefined) point.energyMean = energyMean
        return point
      })
    },

    async readingCoverage(query: CoverageQuery): Promise<ReadingCoverage[]> {
      const result: ReadingCoverage[] = []
      for (const { sensorId, factor } of query.series) {
        const rows = coverage.all(sensorId, factor, query.from, query.to) as {
          hour_of_day: number
          hours: number
        }[]
        if (rows.length === 0) continue
        const hoursByUtcHour = new Array<number>(24).fill(0)
        for (const row of rows) hoursByUtcHour[row.hour_of_day] = row.hours
        result.push({ sensorId, factor, hoursByUtcHour })
      }
      return result
    },

    async close() {
      await writing
      db.close()
    },
  }
}
