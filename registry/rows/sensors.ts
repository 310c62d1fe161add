import type { CommissioningProgress } from '../../core/commissioning.ts'
import type { FactorId } from '../../core/factors.ts'
import type { Sensor, SensorAccess, SensorStatus } from '../types.ts'

/**
 * A row of the sensor view (sensor, its zone, its commissioning), its JSON columns already parsed: PostgreSQL
 * hands jsonb over parsed, SQLite parses its text before mapping.
 */
export interface SensorRow {
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
  first_reading_at: number | null
  factors_seen: CommissioningProgress['factorsSeen'] | null
  run_start: number | null
  run_interval_s: number | null
  last_reading_at: number | null
  kept_interval_s: number | null
  commissioned_at: number | null
}

function toProgress(row: SensorRow): CommissioningProgress {
  const progress: CommissioningProgress = { factorsSeen: row.factors_seen ?? {} }
  if (row.first_reading_at !== null) progress.firstReadingAt = row.first_reading_at
  if (row.run_start !== null) progress.runStart = row.run_start
  if (row.run_interval_s !== null) progress.runIntervalS = row.run_interval_s
  if (row.last_reading_at !== null) progress.lastReadingAt = row.last_reading_at
  if (row.kept_interval_s !== null) progress.keptIntervalS = row.kept_interval_s
  if (row.commissioned_at !== null) progress.commissionedAt = row.commissioned_at
  return progress
}

/** The sensor's own variant overrides its zone's. */
function effectiveLimitVariant(row: SensorRow): string | undefined {
  return row.limit_variant ?? row.zone_limit_variant ?? undefined
}

export function toSensor(row: SensorRow): Sensor {
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
    commissioning: toProgress(row),
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

export function toAccess(row: SensorRow): SensorAccess {
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
    calibratedAt: row.calibrated_at ?? undefined,
    commissioned: row.commissioned_at !== null,
  }
}
