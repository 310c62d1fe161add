import { randomUUID } from 'node:crypto'
import type { Alert } from '../core/alerts.ts'
import type { Reading } from '../core/contract.ts'
import { FACTORS } from '../core/factors.ts'
import { type CanonicalThreshold, limitsFor, type ProfileId } from '../core/limits/index.ts'

/** A breach must be absent this long before its alert clears, so a value dithering at the limit raises one alert. */
export const CLEAR_AFTER_MS = 30_000

interface Breach {
  limit: CanonicalThreshold
  direction: 'above' | 'below'
  critical: boolean
}

function findBreach(profile: ProfileId, reading: Reading): Breach | undefined {
  const limits = limitsFor(profile, reading.factor)
  if (limits === undefined) return undefined
  if (limits.idlh !== undefined && reading.value >= limits.idlh.value) {
    return { limit: limits.idlh, direction: 'above', critical: true }
  }
  if (limits.ceiling !== undefined && reading.value > limits.ceiling.value) {
    return { limit: limits.ceiling, direction: 'above', critical: false }
  }
  if (limits.floor !== undefined && reading.value < limits.floor.value) {
    return { limit: limits.floor, direction: 'below', critical: false }
  }
  return undefined
}

/**
 * The instantaneous check: a reading above a ceiling (or below a floor) opens a `ceiling` alert for its
 * sensor and factor; the alert follows the worst value and clears once no breach has been seen for
 * CLEAR_AFTER_MS. Returns the alerts that changed, for storage and the live feed.
 */
export function createInstantAlerts() {
  const open = new Map<string, { alert: Alert; lastBreachAt: number }>()

  function observe(profile: ProfileId, reading: Reading): Alert[] {
    const key = `${reading.sensorId}\u0000${reading.factor}`
    const breach = findBreach(profile, reading)
    const current = open.get(key)
    if (breach === undefined) return []
    const worse =
      current !== undefined &&
      (breach.direction === 'above' ? reading.value > current.alert.value : reading.value < current.alert.value)
    if (current !== undefined) {
      current.lastBreachAt = reading.time
      if (!worse && !(breach.critical && current.alert.level !== 'critical')) return []
      current.alert = {
        ...current.alert,
        value: worse ? reading.value : current.alert.value,
        level: breach.critical ? 'critical' : current.alert.level,
        updatedAt: reading.time,
      }
      return [current.alert]
    }
    const unit = FACTORS[reading.factor].unit
    const alert: Alert = {
      id: randomUUID(),
      facilityId: reading.facilityId,
      sensorId: reading.sensorId,
      factor: reading.factor,
      kind: 'ceiling',
      level: breach.critical ? 'critical' : 'alarm',
      state: 'open',
      value: reading.value,
      limit: breach.limit.value,
      unit,
      source: breach.limit.source,
      message: `${FACTORS[reading.factor].label} ${round(reading.value)} ${unit} is ${breach.direction} the limit of ${round(breach.limit.value)} ${unit}`,
      openedAt: reading.time,
      updatedAt: reading.time,
    }
    open.set(key, { alert, lastBreachAt: reading.time })
    return [alert]
  }

  /** Clears the alerts whose breach has not been seen for CLEAR_AFTER_MS; called on a timer. */
  function clearRecovered(now: number): Alert[] {
    const cleared: Alert[] = []
    for (const [key, entry] of open) {
      if (now - entry.lastBreachAt < CLEAR_AFTER_MS) continue
      open.delete(key)
      cleared.push({ ...entry.alert, state: 'cleared', clearedAt: now, updatedAt: now })
    }
    return cleared
  }

  return { observe, clearRecovered }
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
