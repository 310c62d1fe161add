import type pg from 'pg'
import type { CommissioningProgress } from '../../core/commissioning.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { type SensorRow, toAccess, toSensor } from '../rows/sensors.ts'
import type { NewSensor, SensorMethods, SensorPatch, SensorQuery } from '../types.ts'
import { inTransaction, type Queryable, registryError, selectPage, Where } from './database.ts'

const DEFAULT_REPORTING_INTERVAL_S = 60
// Sensors with their zone's name and their commissioning, so listings need no second query.
const SENSOR_VIEW = `(SELECT sensor.*, zone.name AS zone_name, zone.limit_variant AS zone_limit_variant,
    c.first_reading_at, c.factors_seen, c.run_start, c.run_interval_s, c.last_reading_at, c.kept_interval_s,
    c.commissioned_at
  FROM sensor LEFT JOIN zone ON zone.id = sensor.zone_id
  LEFT JOIN sensor_commissioning AS c ON c.sensor_id = sensor.id) AS sensor`

// Replaces a sensor's progress; the time it was commissioned, once set, stays. A sensor removed meanwhile
// is skipped (INSERT … SELECT from sensor) rather than failing the batch.
const UPSERT_COMMISSIONING = `INSERT INTO sensor_commissioning AS c (sensor_id, first_reading_at, factors_seen,
    run_start, run_interval_s, last_reading_at, kept_interval_s, commissioned_at)
  SELECT sensor.id, p.first_reading_at, p.factors_seen::jsonb, p.run_start, p.run_interval_s, p.last_reading_at,
    p.kept_interval_s, p.commissioned_at
  FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::integer[], $6::bigint[], $7::integer[],
    $8::bigint[]) AS p (id, first_reading_at, factors_seen, run_start, run_interval_s, last_reading_at,
    kept_interval_s, commissioned_at)
  JOIN sensor ON sensor.id = p.id
  ON CONFLICT (sensor_id) DO UPDATE SET first_reading_at = excluded.first_reading_at,
    factors_seen = excluded.factors_seen, run_start = excluded.run_start, run_interval_s = excluded.run_interval_s,
    last_reading_at = excluded.last_reading_at, kept_interval_s = excluded.kept_interval_s,
    commissioned_at = coalesce(c.commissioned_at, excluded.commissioned_at)`

/** The columns of UPSERT_COMMISSIONING, one array each, for these sensors' progress. */
function commissioningColumns(progress: ReadonlyMap<string, CommissioningProgress>): unknown[][] {
  const entries = [...progress]
  return [
    entries.map(([id]) => id),
    entries.map(([, p]) => p.firstReadingAt ?? null),
    entries.map(([, p]) => JSON.stringify(p.factorsSeen)),
    entries.map(([, p]) => p.runStart ?? null),
    entries.map(([, p]) => p.runIntervalS ?? null),
    entries.map(([, p]) => p.lastReadingAt ?? null),
    entries.map(([, p]) => p.keptIntervalS ?? null),
    entries.map(([, p]) => p.commissionedAt ?? null),
  ]
}

async function read(db: Queryable, id: string): Promise<SensorRow | undefined> {
  return (await db.query<SensorRow>(`SELECT * FROM ${SENSOR_VIEW} WHERE id = $1`, [id])).rows[0]
}

export function sensorRepository(pool: pg.Pool): SensorMethods {
  return {
    async createSensor(sensor: NewSensor, secretHash: string) {
      try {
        await inTransaction(pool, async (client) => {
          await client.query(
            `INSERT INTO sensor (id, facility_id, zone_id, model, serial, factors, calibrated_at, calibration_due,
             reporting_interval_s, limit_variant, secret_hash, credential_version)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, 1)`,
            [
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
            ],
          )
          if (sensor.commissionedAt !== undefined) {
            const progress = new Map([
              [sensor.id, { factorsSeen: {}, commissionedAt: sensor.commissionedAt }],
            ])
            await client.query(UPSERT_COMMISSIONING, commissioningColumns(progress))
          }
        })
      } catch (err) {
        throw registryError(err, {
          conflict: `sensor ${sensor.id} exists already`,
          notFound: `no facility ${sensor.facilityId} or zone ${sensor.zoneId}`,
        })
      }
      return toSensor((await read(pool, sensor.id))!)
    },

    async updateSensor(id: string, patch: SensorPatch) {
      try {
        return await inTransaction(pool, async (client) => {
          // The row first: a concurrent change waits, so neither patch undoes the other's fields.
          await client.query('SELECT 1 FROM sensor WHERE id = $1 FOR UPDATE', [id])
          const row = await read(client, id)
          if (row === undefined) throw new NotFoundError(`no sensor ${id}`)
          const current = toSensor(row)
          const { sensorLimitVariant, ...rest } = patch
          const next = { ...current, ...rest }
          // null clears the sensor's own variant (its zone's applies again); absent keeps it.
          const variant = sensorLimitVariant === undefined ? current.sensorLimitVariant : sensorLimitVariant
          await client.query(
            `UPDATE sensor SET zone_id = $1, model = $2, serial = $3, factors = $4::jsonb, calibrated_at = $5,
               calibration_due = $6, reporting_interval_s = $7, limit_variant = $8 WHERE id = $9`,
            [
              next.zoneId ?? null,
              next.model,
              next.serial,
              JSON.stringify(next.factors),
              next.calibratedAt ?? null,
              next.calibrationDue ?? null,
              next.reportingIntervalS,
              variant ?? null,
              id,
            ],
          )
          return toSensor((await read(client, id))!)
        })
      } catch (err) {
        throw registryError(err, { notFound: `no zone ${patch.zoneId}` })
      }
    },

    getSensor: async (id) => {
      const row = await read(pool, id)
      return row && toSensor(row)
    },

    async listSensors(query: SensorQuery) {
      const where = new Where().in('facility_id', query.facilityIds)
      if (query.status !== undefined) where.add('status = ?', query.status)
      const { rows, total } = await selectPage<SensorRow>(pool, SENSOR_VIEW, where, 'facility_id, id', query)
      return { items: rows.map(toSensor), total, limit: query.limit, offset: query.offset }
    },

    async setSensorSecret(id: string, secretHash: string | undefined) {
      const result = await pool.query(
        `UPDATE sensor SET secret_hash = $1, credential_version = credential_version + 1
         WHERE id = $2 AND status = 'active'`,
        [secretHash ?? null, id],
      )
      if (result.rowCount === 1) return
      if ((await read(pool, id)) === undefined) throw new NotFoundError(`no sensor ${id}`)
      throw new ConflictError(`sensor ${id} is decommissioned`)
    },

    async decommissionSensor(id: string) {
      const result = await pool.query(
        `UPDATE sensor SET status = 'decommissioned', secret_hash = NULL,
           credential_version = credential_version + 1 WHERE id = $1`,
        [id],
      )
      if (result.rowCount === 0) throw new NotFoundError(`no sensor ${id}`)
      return toSensor((await read(pool, id))!)
    },

    sensorAccess: async (id) => {
      const row = await read(pool, id)
      return row && toAccess(row)
    },
    async sensorAccessPage(afterId, limit) {
      const { rows } = await pool.query<SensorRow>(
        `SELECT * FROM ${SENSOR_VIEW} WHERE id > $1 ORDER BY id LIMIT $2`,
        [afterId, limit],
      )
      return rows.map(toAccess)
    },

    async recordLastSeen(lastSeen: ReadonlyMap<string, number>) {
      if (lastSeen.size === 0) return
      // One statement for the whole batch; a time never moves back.
      await pool.query(
        `UPDATE sensor SET last_seen_at = greatest(coalesce(sensor.last_seen_at, 0), seen.at)
         FROM unnest($1::text[], $2::bigint[]) AS seen (id, at) WHERE sensor.id = seen.id`,
        [[...lastSeen.keys()], [...lastSeen.values()]],
      )
    },

    async recordCommissioning(progress: ReadonlyMap<string, CommissioningProgress>) {
      if (progress.size === 0) return
      await pool.query(UPSERT_COMMISSIONING, commissioningColumns(progress))
    },
  }
}
