import type pg from 'pg'
import type { FactorId } from '../../core/factors.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import type {
  NewSensor,
  Registry,
  Sensor,
  SensorAccess,
  SensorPatch,
  SensorQuery,
  SensorStatus,
} from '../types.ts'
import { inTransaction, type Queryable, registryError, selectPage, Where } from './database.ts'

interface SensorRow {
  id: string
  facility_id: string
  zone_id: string | null
  zone_name: string | null
  zone_limit_variant: string | null
  limit_variant: string | null
  model: string
  serial: string
  factors: FactorId[]
  calibrated_at: number | null
  calibration_due: number | null
  status: SensorStatus
  reporting_interval_s: number
  secret_hash: string | null
  credential_version: number
  last_seen_at: number | null
}

const DEFAULT_REPORTING_INTERVAL_S = 60
// Sensors with their zone's name, so listings need no second query.
const SENSOR_VIEW = `(SELECT sensor.*, zone.name AS zone_name, zone.limit_variant AS zone_limit_variant
  FROM sensor LEFT JOIN zone ON zone.id = sensor.zone_id) AS sensor`

/** The sensor's own variant overrides its zone's. */
function effectiveLimitVariant(row: SensorRow): string | undefined {
  return row.limit_variant ?? row.zone_limit_variant ?? undefined
}

function toSensor(row: SensorRow): Sensor {
  const sensor: Sensor = {
    id: row.id,
    facilityId: row.facility_id,
    zone: row.zone_name ?? '',
    model: row.model,
    serial: row.serial,
    factors: row.factors,
    status: row.status,
    reportingIntervalS: row.reporting_interval_s,
    hasCredentials: row.secret_hash !== null,
  }
  if (row.zone_id !== null) sensor.zoneId = row.zone_id
  if (row.limit_variant !== null) sensor.sensorLimitVariant = row.limit_variant
  if (row.zone_limit_variant !== null) sensor.zoneLimitVariant = row.zone_limit_variant
  const limitVariant = effectiveLimitVariant(row)
  if (limitVariant !== undefined) sensor.limitVariant = limitVariant
  if (row.calibrated_at !== null) sensor.calibratedAt = row.calibrated_at
  if (row.calibration_due !== null) sensor.calibrationDue = row.calibration_due
  if (row.last_seen_at !== null) sensor.lastSeenAt = row.last_seen_at
  return sensor
}

function toAccess(row: SensorRow): SensorAccess {
  return {
    id: row.id,
    facilityId: row.facility_id,
    status: row.status,
    secretHash: row.secret_hash ?? undefined,
    credentialVersion: row.credential_version,
    reportingIntervalS: row.reporting_interval_s,
    factors: row.factors,
    limitVariant: effectiveLimitVariant(row),
    calibrationDue: row.calibration_due ?? undefined,
  }
}

type SensorMethods = Pick<
  Registry,
  | 'createSensor'
  | 'updateSensor'
  | 'getSensor'
  | 'listSensors'
  | 'setSensorSecret'
  | 'decommissionSensor'
  | 'sensorAccess'
  | 'sensorAccessPage'
  | 'recordLastSeen'
>

async function read(db: Queryable, id: string): Promise<SensorRow | undefined> {
  return (await db.query<SensorRow>(`SELECT * FROM ${SENSOR_VIEW} WHERE id = $1`, [id])).rows[0]
}

export function sensorRepository(pool: pg.Pool): SensorMethods {
  return {
    async createSensor(sensor: NewSensor, secretHash: string) {
      try {
        await pool.query(
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
  }
}
