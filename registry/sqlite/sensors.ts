import type { DatabaseSync } from 'node:sqlite'
import type { CommissioningProgress } from '../../core/commissioning.ts'
import type { FactorId } from '../../core/factors.ts'
import { inTransaction } from '../../sqlite/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { type SensorRow, toAccess, toSensor } from '../rows/sensors.ts'
import type { NewSensor, SensorMethods, SensorPatch, SensorQuery } from '../types.ts'
import { isForeignKeyViolation, isUniqueViolation, selectPage, Where } from './paging.ts'

const DEFAULT_REPORTING_INTERVAL_S = 60
// Sensors with their zone's name and their commissioning, so listings need no second query.
const SENSOR_VIEW = `(SELECT sensor.*, zone.name AS zone_name, zone.limit_variant AS zone_limit_variant,
    c.first_reading_at, c.factors_seen, c.run_start, c.run_interval_s, c.last_reading_at, c.kept_interval_s,
    c.commissioned_at
  FROM sensor LEFT JOIN zone ON zone.id = sensor.zone_id
  LEFT JOIN sensor_commissioning AS c ON c.sensor_id = sensor.id)`

/** A sensor view row as SQLite returns it: the JSON columns are text. */
type StoredSensorRow = Omit<SensorRow, 'factors' | 'factors_seen'> & {
  factors: string
  factors_seen: string | null
}

function parsed(row: StoredSensorRow): SensorRow {
  return {
    ...row,
    factors: JSON.parse(row.factors) as FactorId[],
    factors_seen: row.factors_seen === null ? null : JSON.parse(row.factors_seen),
  }
}

export function sensorRepository(db: DatabaseSync): SensorMethods {
  const statements = {
    get: db.prepare(`SELECT * FROM ${SENSOR_VIEW} WHERE id = ?`),
    page: db.prepare(`SELECT * FROM ${SENSOR_VIEW} WHERE id > ? ORDER BY id LIMIT ?`),
    insert: db.prepare(
      `INSERT INTO sensor (id, facility_id, zone_id, model, serial, factors, calibrated_at, calibration_due,
         reporting_interval_s, limit_variant, secret_hash, credential_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ),
    update: db.prepare(
      `UPDATE sensor SET zone_id = ?, model = ?, serial = ?, factors = ?, calibrated_at = ?, calibration_due = ?,
         reporting_interval_s = ?, limit_variant = ? WHERE id = ?`,
    ),
    setSecret: db.prepare(
      'UPDATE sensor SET secret_hash = ?, credential_version = credential_version + 1 WHERE id = ?',
    ),
    decommission: db.prepare(
      `UPDATE sensor SET status = 'decommissioned', secret_hash = NULL, credential_version = credential_version + 1
       WHERE id = ?`,
    ),
    lastSeen: db.prepare('UPDATE sensor SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?'),
    // INSERT … SELECT from sensor: a sensor removed meanwhile is skipped rather than failing the batch.
    commissioning: db.prepare(
      `INSERT INTO sensor_commissioning (sensor_id, first_reading_at, factors_seen, run_start, run_interval_s,
         last_reading_at, kept_interval_s, commissioned_at)
       SELECT id, ?, ?, ?, ?, ?, ?, ? FROM sensor WHERE id = ?
       ON CONFLICT (sensor_id) DO UPDATE SET first_reading_at = excluded.first_reading_at,
         factors_seen = excluded.factors_seen, run_start = excluded.run_start, run_interval_s = excluded.run_interval_s,
         last_reading_at = excluded.last_reading_at, kept_interval_s = excluded.kept_interval_s,
         commissioned_at = coalesce(sensor_commissioning.commissioned_at, excluded.commissioned_at)`,
    ),
  }

  function read(id: string): SensorRow | undefined {
    const row = statements.get.get(id) as StoredSensorRow | undefined
    return row && parsed(row)
  }

  function existing(id: string): SensorRow {
    const row = read(id)
    if (row === undefined) throw new NotFoundError(`no sensor ${id}`)
    return row
  }

  return {
    async createSensor(sensor: NewSensor, secretHash: string) {
      try {
        statements.insert.run(
          sensor.id,
          sensor.facilityId,
          sensor.zoneId ?? null,
          sensor.model,
          sensor.serial,
          JSON.stringify(sensor.factors),
          sensor.calibratedAt ?? null,
          sensor.calibrationDue ?? null,
          sensor.reportingIntervalS ?? DEFAULT_REPORTING_INTERVAL_S,
          sensor.sensorLimitVariant ?? null,
          secretHash,
        )
        if (sensor.commissionedAt !== undefined) {
          statements.commissioning.run(null, '{}', null, null, null, null, sensor.commissionedAt, sensor.id)
        }
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`sensor ${sensor.id} exists already`)
        if (isForeignKeyViolation(err))
          throw new NotFoundError(`no facility ${sensor.facilityId} or zone ${sensor.zoneId}`)
        throw err
      }
      return toSensor(read(sensor.id)!)
    },

    async updateSensor(id: string, patch: SensorPatch) {
      const current = toSensor(existing(id))
      const { sensorLimitVariant, ...rest } = patch
      const next = { ...current, ...rest }
      // null clears the sensor's own variant (its zone's applies again); absent keeps it.
      const variant = sensorLimitVariant === undefined ? current.sensorLimitVariant : sensorLimitVariant
      try {
        statements.update.run(
          next.zoneId ?? null,
          next.model,
          next.serial,
          JSON.stringify(next.factors),
          next.calibratedAt ?? null,
          next.calibrationDue ?? null,
          next.reportingIntervalS,
          variant ?? null,
          id,
        )
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new NotFoundError(`no zone ${patch.zoneId}`)
        throw err
      }
      return toSensor(read(id)!)
    },

    getSensor: async (id) => {
      const row = read(id)
      return row && toSensor(row)
    },

    async listSensors(query: SensorQuery) {
      const where = new Where().in('facility_id', query.facilityIds)
      if (query.status !== undefined) where.add('status = ?', query.status)
      const { rows, total } = selectPage<StoredSensorRow>(db, SENSOR_VIEW, where, 'facility_id, id', query)
      return {
        items: rows.map((row) => toSensor(parsed(row))),
        total,
        limit: query.limit,
        offset: query.offset,
      }
    },

    async setSensorSecret(id: string, secretHash: string | undefined) {
      const row = existing(id)
      if (row.status === 'decommissioned') throw new ConflictError(`sensor ${id} is decommissioned`)
      statements.setSecret.run(secretHash ?? null, id)
    },

    async decommissionSensor(id: string) {
      existing(id)
      statements.decommission.run(id)
      return toSensor(read(id)!)
    },

    sensorAccess: async (id) => {
      const row = read(id)
      return row && toAccess(row)
    },
    sensorAccessPage: async (afterId, limit) =>
      (statements.page.all(afterId, limit) as unknown as StoredSensorRow[]).map((row) =>
        toAccess(parsed(row)),
      ),

    async recordLastSeen(lastSeen: ReadonlyMap<string, number>) {
      inTransaction(db, () => {
        for (const [id, time] of lastSeen) statements.lastSeen.run(time, id)
      })
    },

    async recordCommissioning(progress: ReadonlyMap<string, CommissioningProgress>) {
      inTransaction(db, () => {
        for (const [id, p] of progress) {
          statements.commissioning.run(
            p.firstReadingAt ?? null,
            JSON.stringify(p.factorsSeen),
            p.runStart ?? null,
            p.runIntervalS ?? null,
            p.lastReadingAt ?? null,
            p.keptIntervalS ?? null,
            p.commissionedAt ?? null,
            id,
          )
        }
      })
    },
  }
}
