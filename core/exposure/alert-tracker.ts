import type { Alert, AlertKind, AlertLevel } from '../alerts.ts'
import type { FactorId } from '../factors.ts'

/** Whose alert it is: one sensor's factor. */
export interface AlertKey {
  readonly facilityId: string
  readonly sensorId: string
  readonly factor: FactorId
}

/** One level's check: the current value and the limit it is compared with. */
export interface LevelCheck {
  readonly value: number
  readonly limit: number
  readonly source: string
  /**
   * Where the value counts as recovered, when a share of the limit makes no sense (a limit of 0: any
   * faulty reading is one too many, and only none clears it). Default: `clearRatio` of the limit.
   */
  readonly clearAt?: number
}

/**
 * The current state of one condition. Each level carries its own value because regulations compare
 * different quantities per level (OSHA noise: the 80-dBA dose for the warning, the 90-dBA dose for the alarm).
 * A level without a value now (no STEL yet, a gap) is left out; a signal with no levels changes nothing.
 */
export interface AlertSignal {
  readonly kind: AlertKind
  /** `below` for floors (oxygen, cold). Default `above`. */
  readonly direction?: 'above' | 'below'
  readonly unit: string
  /** What is measured, for the message: "Carbon monoxide (CO) STEL". */
  readonly label: string
  readonly levels: Partial<Record<AlertLevel, LevelCheck>>
}

export type AlertTransitionType = 'opened' | 'escalated' | 'cleared'

export interface AlertTransition {
  readonly type: AlertTransitionType
  /** A copy of the alert after the transition, for the alert register (registry/sqlite/alerts.ts). */
  readonly alert: Alert
  readonly previousLevel?: AlertLevel
}

export interface AlertTrackerOptions {
  /** How long a level must hold before it opens or escalates an alert; `critical` never waits. Default 0. */
  readonly minDurationMs?: number
  /** How long the value must stay in the clear band before the alert clears. Default 60 s. */
  readonly clearAfterMs?: number
  /** Clear band of an upper limit: below this share of the limit. Default 0.9. */
  readonly clearRatio?: number
  /** Clear band of a floor: above this multiple of it (kept small: 19.5 % O₂ × 1.02 is still below air). Default 1.02. */
  readonly floorClearRatio?: number
  /** Default `crypto.randomUUID`; inject a counter for reproducible ids. */
  readonly newId?: () => string
}

/** The tracker's state as plain data, for persistence across a restart. */
export interface AlertTrackerData {
  readonly slots: readonly (readonly [string, SlotData])[]
  readonly alerts: readonly Alert[]
  /** Slots to save on their own at the next save: read from the state saved whole (`fromSlots`' base). */
  readonly unsaved?: readonly string[]
}

/**
 * One slot of the tracker (one sensor's factor, kind and direction), as it is saved on its own: its state
 * and the alert it follows, if any; no state when it went away (nothing pending, its alert cleared).
 */
export interface SavedSlot {
  readonly key: string
  readonly slot?: SlotData
  readonly alert?: Alert
}

export interface SlotData {
  alertId?: string
  /** Since when a level above the alert's has been breached, waiting for `minDurationMs`. */
  pendingSince?: number
  /** Since when the value has been in the clear band of an active alert. */
  clearSince?: number
}

const LEVEL_RANK: Record<AlertLevel, number> = { warning: 1, alarm: 2, critical: 3 }
const LEVELS_DESCENDING: readonly AlertLevel[] = ['critical', 'alarm', 'warning']

/**
 * What the measurements say about alerts, as a pure state machine: time is passed in and ids come from an
 * injectable function. One alert per (sensor, factor, kind, direction): a higher level escalates the same
 * alert, a lower one never lowers it, and it clears only after the value has stayed below `clearRatio`
 * of every limit for `clearAfterMs`, so a value dithering at a limit raises one alert.
 *
 * The tracker knows nothing of people: acknowledgements and resolutions, and what an escalation or a
 * clear does to them, are the alert register's (core/alert-lifecycle.ts), which receives each transition.
 *
 * @example
 * const tracker = new AlertTracker({ minDurationMs: 30_000 })
 * const key = { facilityId: 'f1', sensorId: 's1', factor: 'gas.co' } as const
 * for (const signal of exposureSignals(evaluator.summary(), limits)) {
 *   for (const transition of tracker.observe(key, signal, reading.time)) await alerts.recordDetection(transition)
 * }
 */
export class AlertTracker {
  readonly #minDurationMs: number
  readonly #clearAfterMs: number
  readonly #clearRatio: number
  readonly #floorClearRatio: number
  readonly #newId: () => string
  readonly #slots = new Map<string, SlotData>()
  readonly #alerts = new Map<string, Alert>()
  // Slots whose state or alert changed since they were last taken for saving, in the order they first
  // changed; those restored `unsaved` count as changed.
  readonly #changed = new Set<string>()

  constructor(options: AlertTrackerOptions = {}, data?: AlertTrackerData) {
    this.#minDurationMs = options.minDurationMs ?? 0
    this.#clearAfterMs = options.clearAfterMs ?? 60_000
    this.#clearRatio = options.clearRatio ?? 0.9
    this.#floorClearRatio = options.floorClearRatio ?? 1.02
    this.#newId = options.newId ?? (() => crypto.randomUUID())
    if (!(this.#clearRatio > 0 && this.#clearRatio <= 1)) throw new Error('clearRatio must be in (0, 1]')
    if (!(this.#floorClearRatio >= 1)) throw new Error('floorClearRatio must be at least 1')
    for (const [key, slot] of data?.slots ?? []) this.#slots.set(key, { ...slot })
    for (const alert of data?.alerts ?? []) this.#alerts.set(alert.id, { ...alert })
    for (const key of data?.unsaved ?? []) this.#changed.add(key)
  }

  static fromJSON(data: AlertTrackerData, options: AlertTrackerOptions = {}): AlertTracker {
    return new AlertTracker(options, data)
  }

  /** Feeds the current state of one condition; returns what changed. */
  observe(key: AlertKey, signal: AlertSignal, now: number): AlertTransition[] {
    const direction = signal.direction ?? 'above'
    const slotKey = `${key.facilityId}\u0000${key.sensorId}\u0000${key.factor}\u0000${signal.kind}\u0000${direction}`
    const slot = this.#slots.get(slotKey) ?? {}
    const checks = LEVELS_DESCENDING.filter((level) => signal.levels[level] !== undefined)
    if (checks.length === 0) return []
    const breached = checks.find((level) => this.#breaches(signal, level))
    const alert = slot.alertId === undefined ? undefined : this.#alerts.get(slot.alertId)
    const transitions: AlertTransition[] = []
    const { pendingSince, clearSince } = slot
    const worst = alert?.value

    const currentRank = alert === undefined ? 0 : LEVEL_RANK[alert.level]
    if (breached !== undefined && LEVEL_RANK[breached] > currentRank) {
      slot.pendingSince ??= now
      if (breached === 'critical' || now - slot.pendingSince >= this.#minDurationMs) {
        const transition =
          alert === undefined
            ? this.#open(key, signal, breached, now)
            : this.#escalate(alert, signal, breached, now)
        transitions.push(transition)
        slot.alertId = transition.alert.id
        slot.pendingSince = undefined
      }
    } else if (
      checks.every((level) => LEVEL_RANK[level] <= currentRank || this.#inClearBand(signal, level))
    ) {
      // Dipping just under a limit does not restart the wait: only falling into the clear band does.
      slot.pendingSince = undefined
    }

    const active = slot.alertId === undefined ? undefined : this.#alerts.get(slot.alertId)
    if (active !== undefined && transitions.length === 0) {
      this.#trackWorst(active, signal, now)
      if (checks.every((level) => this.#inClearBand(signal, level))) {
        slot.clearSince ??= now
        if (now - slot.clearSince >= this.#clearAfterMs) {
          transitions.push(this.#clear(active, now))
          slot.alertId = undefined
          slot.clearSince = undefined
        }
      } else {
        slot.clearSince = undefined
      }
    }

    if (slot.alertId === undefined && slot.pendingSince === undefined) this.#slots.delete(slotKey)
    else this.#slots.set(slotKey, slot)
    // What a saved slot holds: its alert (which only transitions and a worse value change) and its waits.
    if (
      transitions.length > 0 ||
      slot.pendingSince !== pendingSince ||
      slot.clearSince !== clearSince ||
      active?.value !== worst
    )
      this.#changed.add(slotKey)
    return transitions
  }

  /** How many slots changed since they were last taken. */
  changedCount(): number {
    return this.#changed.size
  }

  /**
   * Up to `max` slots that changed since they were last taken, first changed first, each as it is now with
   * its alert: saving only these keeps a save short, where the whole state of 14,000 open alerts took
   * 50–250 ms to write.
   */
  takeChanged(max: number): SavedSlot[] {
    const taken: SavedSlot[] = []
    for (const key of this.#changed) {
      if (taken.length >= max) break
      this.#changed.delete(key)
      const slot = this.#slots.get(key)
      const alert = slot?.alertId === undefined ? undefined : this.#alerts.get(slot.alertId)
      taken.push(slot === undefined ? { key } : { key, slot: { ...slot }, alert: alert && { ...alert } })
    }
    return taken
  }

  /** Counts these slots as changed again: taken for a save that failed, they go with the next one. */
  markChanged(keys: Iterable<string>): void {
    for (const key of keys) this.#changed.add(key)
  }

  /** The whole state, every change counted as taken: for a caller that saves it whole, not slot by slot. */
  takeWhole(): AlertTrackerData {
    this.#changed.clear()
    return this.toJSON()
  }

  /**
   * The state saved slot by slot, put back together: the slots of `base` (the state saved whole), each
   * replaced by its own saved slot where there is one, and the alerts those slots follow. The slots only
   * `base` holds are `unsaved`: a tracker restored from it saves them on their own.
   */
  static fromSlots(saved: Iterable<SavedSlot>, base?: AlertTrackerData): AlertTrackerData {
    const baseAlerts = new Map((base?.alerts ?? []).map((alert) => [alert.id, alert]))
    const slots = new Map<string, { slot: SlotData; alert?: Alert }>()
    for (const [key, slot] of base?.slots ?? []) {
      slots.set(key, { slot, alert: slot.alertId === undefined ? undefined : baseAlerts.get(slot.alertId) })
    }
    const unsaved = new Set(slots.keys())
    for (const { key, slot, alert } of saved) {
      unsaved.delete(key)
      if (slot === undefined) slots.delete(key)
      else slots.set(key, { slot, alert })
    }
    const alerts: Alert[] = []
    for (const { alert } of slots.values()) if (alert !== undefined) alerts.push(alert)
    return {
      slots: [...slots].map(([key, { slot }]) => [key, slot] as const),
      // Oldest first, as the tracker keeps them (those opened in the same millisecond in either order).
      alerts: alerts.sort((a, b) => a.openedAt - b.openedAt),
      ...(unsaved.size > 0 && { unsaved: [...unsaved] }),
    }
  }

  get(id: string): Alert | undefined {
    const alert = this.#alerts.get(id)
    return alert === undefined ? undefined : { ...alert }
  }

  /** The alerts it follows (not yet cleared), oldest first. */
  active(): Alert[] {
    return [...this.#alerts.values()].map((alert) => ({ ...alert }))
  }

  toJSON(): AlertTrackerData {
    return {
      slots: [...this.#slots].map(([key, slot]) => [key, { ...slot }] as const),
      alerts: this.active(),
    }
  }

  #breaches(signal: AlertSignal, level: AlertLevel): boolean {
    const check = signal.levels[level]
    if (check === undefined) return false
    return signal.direction === 'below' ? check.value < check.limit : check.value > check.limit
  }

  #inClearBand(signal: AlertSignal, level: AlertLevel): boolean {
    const check = signal.levels[level]
    if (check === undefined) return true
    if (check.clearAt !== undefined) {
      return signal.direction === 'below' ? check.value >= check.clearAt : check.value <= check.clearAt
    }
    return signal.direction === 'below'
      ? check.value > check.limit * this.#floorClearRatio
      : check.value < check.limit * this.#clearRatio
  }

  #open(key: AlertKey, signal: AlertSignal, level: AlertLevel, now: number): AlertTransition {
    const check = signal.levels[level]!
    const alert: Alert = {
      id: this.#newId(),
      facilityId: key.facilityId,
      sensorId: key.sensorId,
      factor: key.factor,
      kind: signal.kind,
      level,
      state: 'open',
      value: check.value,
      limit: check.limit,
      unit: signal.unit,
      source: check.source,
      message: message(signal, level, check),
      openedAt: now,
      updatedAt: now,
    }
    this.#alerts.set(alert.id, alert)
    return { type: 'opened', alert: { ...alert } }
  }

  #escalate(alert: Alert, signal: AlertSignal, level: AlertLevel, now: number): AlertTransition {
    const check = signal.levels[level]!
    const previousLevel = alert.level
    alert.level = level
    alert.value = worse(signal, alert.value, check.value)
    alert.limit = check.limit
    alert.source = check.source
    alert.message = message(signal, level, check)
    alert.updatedAt = now
    return { type: 'escalated', alert: { ...alert }, previousLevel }
  }

  #trackWorst(alert: Alert, signal: AlertSignal, now: number): void {
    const check = signal.levels[alert.level]
    if (check === undefined) return
    const value = worse(signal, alert.value, check.value)
    if (value === alert.value) return
    alert.value = value
    alert.updatedAt = now
  }

  #clear(alert: Alert, now: number): AlertTransition {
    alert.state = 'cleared'
    alert.clearedAt = now
    alert.updatedAt = now
    this.#alerts.delete(alert.id)
    return { type: 'cleared', alert: { ...alert } }
  }
}

function worse(signal: AlertSignal, a: number, b: number): number {
  return signal.direction === 'below' ? Math.min(a, b) : Math.max(a, b)
}

function message(signal: AlertSignal, level: AlertLevel, check: LevelCheck): string {
  const relation = signal.direction === 'below' ? 'below' : 'above'
  return `${signal.label} ${round(check.value)} ${signal.unit} is ${relation} the ${level} limit of ${round(check.limit)} ${signal.unit}`
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
