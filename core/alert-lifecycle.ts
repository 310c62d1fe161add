import type { Actor, Alert, AlertLevel, ResolutionReason } from './alerts.ts'

/**
 * The rules of an alert's life, in one place. The alert register (registry/sqlite/alerts.ts) is the one
 * owner of alert state: it applies these functions, in a transaction, to what the measurements say
 * (ingest's AlertTracker: opened, escalated, cleared) and to what people do (the API: acknowledge,
 * resolve), and appends every event they return to the alert's event log. Nothing else writes alert state.
 *
 *   open ──acknowledge──▶ acknowledged ──(measurements recover)──▶ cleared
 *     │                        │
 *     └──────resolve───────────┴──────────▶ resolved ◀──resolve── cleared
 *
 * - **open**: a limit was breached (the tracker decides when, and at which level); nobody has acknowledged.
 * - **acknowledge**: a person says they have seen it, with an optional note. Who comes from the API key of
 *   the request (its id and name). The alert is `acknowledged` and stays so through an escalation: the
 *   people who acknowledged it are told (a `notified` event to them), and the new, higher level can be
 *   acknowledged in turn. Acknowledging a level already acknowledged, or a cleared or resolved alert, is
 *   refused.
 * - **escalate**: the tracker found a higher level breached. Level, limit, value and message follow; an
 *   acknowledgement is kept. A resolved alert that escalates opens again (`open`): its resolution covered
 *   the lower level only, and whoever acknowledged or resolved it is told.
 * - **clear**: the measurements stayed inside the clear band for long enough (the tracker's hysteresis).
 *   The alert is `cleared`, with its acknowledgements; final, the tracker raises a new alert if the
 *   condition comes back.
 * - **resolve**: a person closes the alert with a reason (RESOLUTION_REASONS; `other` needs a note) — while
 *   it is open or acknowledged, e.g. a sensor fault, or after it cleared, to record why it happened.
 *   `resolved` is final unless it escalates; the tracker keeps following the condition, so the same
 *   breach at the same level raises nothing new until it has cleared. Resolving twice is refused.
 *
 * Every function is pure: time and people come in as arguments.
 */

export const ALERT_EVENT_TYPES = [
  'opened',
  'escalated',
  'acknowledged',
  'resolved',
  'cleared',
  'notified',
] as const
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number]

/** One change of an alert, as the time-series store and the live feed receive it. */
export interface AlertEvent {
  type: AlertEventType
  at: number
  /** The alert after the event. */
  alert: Alert
  /** `acknowledged`, `resolved`: who did it. */
  by?: Actor
  /** `notified`: who is told (those who acknowledged or resolved an alert that escalated). */
  to?: Actor[]
  reason?: ResolutionReason
  note?: string
}

/** What the measurements say about an alert: one of the tracker's transitions. */
export interface Detection {
  readonly type: 'opened' | 'escalated' | 'cleared'
  /** The alert as the tracker sees it: its values, level and times. */
  readonly alert: Alert
}

/** A person's request that the alert's state does not allow: the message says why. */
export class AlertConflict extends Error {
  override name = 'AlertConflict'
}

export interface Changed {
  alert: Alert
  events: AlertEvent[]
}

const LEVEL_RANK: Record<AlertLevel, number> = { warning: 1, alarm: 2, critical: 3 }

/** Open or acknowledged: on the officers' list. */
export function isActive(alert: Pick<Alert, 'state'>): boolean {
  return alert.state === 'open' || alert.state === 'acknowledged'
}

/** The highest level anyone acknowledged, if any. */
export function acknowledgedLevel(alert: Alert): AlertLevel | undefined {
  let highest: AlertLevel | undefined
  for (const { level } of alert.acknowledgements ?? []) {
    if (highest === undefined || LEVEL_RANK[level] > LEVEL_RANK[highest]) highest = level
  }
  return highest
}

/**
 * Applies a detection to the alert as stored (undefined when it is new). Returns undefined when it
 * changes nothing: a detection applied twice, or one about an alert that has already cleared.
 */
export function applyDetection(stored: Alert | undefined, detection: Detection): Changed | undefined {
  const detected = detection.alert
  const at = detected.updatedAt
  if (stored === undefined) {
    // The first the register hears of it (an escalation or a clear whose opening it missed counts too).
    const alert: Alert = { ...detected, state: detection.type === 'cleared' ? 'cleared' : 'open' }
    return { alert, events: [{ type: detection.type, at, alert }] }
  }
  // The tracker forgets an alert once it has cleared: nothing later can be about the same one.
  if (stored.state === 'cleared' || stored.clearedAt !== undefined) return undefined
  if (detection.type === 'opened') return undefined

  if (detection.type === 'cleared') {
    const alert: Alert = {
      ...stored,
      value: detected.value,
      clearedAt: detected.clearedAt ?? at,
      updatedAt: at,
      state: stored.state === 'resolved' ? 'resolved' : 'cleared',
    }
    return { alert, events: [{ type: 'cleared', at, alert }] }
  }

  if (LEVEL_RANK[detected.level] <= LEVEL_RANK[stored.level]) return undefined
  const reopened = stored.state === 'resolved'
  const alert: Alert = {
    ...stored,
    level: detected.level,
    value: detected.value,
    limit: detected.limit,
    source: detected.source,
    message: detected.message,
    updatedAt: at,
    state: reopened ? 'open' : stored.state,
  }
  // The resolution covered the lower level; it stays in the event log.
  if (reopened) delete alert.resolution
  const events: AlertEvent[] = [{ type: 'escalated', at, alert }]
  const told = concerned(stored)
  if (told.length > 0) events.push({ type: 'notified', at, alert, to: told })
  return { alert, events }
}

/** A person acknowledges the alert at its current level. Throws AlertConflict when that is not possible. */
export function acknowledge(stored: Alert, by: Actor, note: string | undefined, at: number): Changed {
  if (!isActive(stored))
    throw new AlertConflict(`alert ${stored.id} is ${stored.state}: nothing to acknowledge`)
  const level = acknowledgedLevel(stored)
  if (level !== undefined && LEVEL_RANK[level] >= LEVEL_RANK[stored.level]) {
    const last = stored.acknowledgements!.at(-1)!
    throw new AlertConflict(
      `alert ${stored.id} is already acknowledged at ${stored.level} level, by ${last.by.name}`,
    )
  }
  const acknowledgement = { by, at, level: stored.level, ...(note === undefined ? {} : { note }) }
  const alert: Alert = {
    ...stored,
    state: 'acknowledged',
    acknowledgements: [...(stored.acknowledgements ?? []), acknowledgement],
    updatedAt: Math.max(stored.updatedAt, at),
  }
  return { alert, events: [{ type: 'acknowledged', at, alert, by, ...optionalNote(note) }] }
}

/** A person closes the alert with a reason. Throws AlertConflict when it is resolved already. */
export function resolve(
  stored: Alert,
  by: Actor,
  reason: ResolutionReason,
  note: string | undefined,
  at: number,
): Changed {
  if (reason === 'other' && (note === undefined || note.trim() === '')) {
    throw new Error('a resolution for an `other` reason needs a note saying what it was')
  }
  if (stored.state === 'resolved') {
    throw new AlertConflict(`alert ${stored.id} was already resolved by ${stored.resolution?.by.name}`)
  }
  const alert: Alert = {
    ...stored,
    state: 'resolved',
    resolution: { by, at, reason, ...optionalNote(note) },
    updatedAt: Math.max(stored.updatedAt, at),
  }
  return { alert, events: [{ type: 'resolved', at, alert, by, reason, ...optionalNote(note) }] }
}

/** Those who acknowledged or resolved the alert, once each: the people to tell when it escalates. */
function concerned(alert: Alert): Actor[] {
  const people = [...(alert.acknowledgements ?? []).map((a) => a.by)]
  if (alert.resolution !== undefined) people.push(alert.resolution.by)
  const seen = new Set<string>()
  return people.filter((actor) => {
    const key = actor.keyId ?? `name:${actor.name}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function optionalNote(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note }
}
