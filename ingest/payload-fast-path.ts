import { z } from 'zod'
import { MAX_BATCH_READINGS, type SensorPayload } from '../core/contract.ts'
import { FACTORS } from '../core/factors.ts'

/** The pattern `timestampSchema` checks ISO-8601 strings with (offset required). */
const ISO_TIMESTAMP = z.regexes.datetime({ offset: true })
const MAX_EPOCH_MS = 8.64e15
const MAX_UNIT_LENGTH = 16

/**
 * The common case of `sensorPayloadSchema`, checked by hand without allocating: a payload returned here
 * is one the schema accepts, unchanged. Anything else — an invalid payload, or a valid one this does not
 * recognise — returns undefined, and the schema decides and explains. Sound, not complete: a test holds
 * it to the schema on valid and broken payloads alike.
 */
export function readValidPayload(json: unknown): SensorPayload | undefined {
  if (!isRecord(json)) return undefined
  if (!('readings' in json)) return isReadingItem(json) ? (json as SensorPayload) : undefined
  for (const key in json) if (key !== 'readings' && key !== 'ts') return undefined
  if (!isTimestamp(json.ts)) return undefined
  const readings = json.readings
  if (!Array.isArray(readings) || readings.length === 0 || readings.length > MAX_BATCH_READINGS)
    return undefined
  for (const item of readings) if (!isReadingItem(item)) return undefined
  return json as SensorPayload
}

function isReadingItem(value: unknown): boolean {
  if (!isRecord(value)) return false
  let required = 0
  for (const key in value) {
    if (key === 'factor' || key === 'value' || key === 'unit') required++
    else if (key !== 'ts') return false
  }
  const { factor, value: reading, unit } = value
  return (
    required === 3 &&
    typeof factor === 'string' &&
    Object.hasOwn(FACTORS, factor) &&
    typeof reading === 'number' &&
    Number.isFinite(reading) &&
    typeof unit === 'string' &&
    unit.length >= 1 &&
    unit.length <= MAX_UNIT_LENGTH &&
    isTimestamp(value.ts)
  )
}

function isTimestamp(ts: unknown): boolean {
  if (ts === undefined) return true
  if (typeof ts === 'number') return Number.isInteger(ts) && ts >= 0 && ts <= MAX_EPOCH_MS
  return typeof ts === 'string' && ISO_TIMESTAMP.test(ts)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
