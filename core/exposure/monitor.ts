import type { Alert } from '../alerts.ts'
import type { ExposurePoint, Reading } from '../contract.ts'
import { limitsFor, type ProfileId, type ResolvedLimits } from '../limits/index.ts'
import { type FacilityShift, type ShiftPattern, type ShiftWindow, shiftWindowAt } from '../shifts.ts'
import {
  AlertTracker,
  type AlertTrackerData,
  type AlertTrackerOptions,
  type AlertTransition,
  type SavedSlot,
} from './alert-tracker.ts'
import { ExposureEvaluator, type ExposureStateData } from './evaluator.ts'
import { WbgtEstimator } from './heat-stress.ts'
import { exposureSignals, faultSignal, offlineSignal } from './signals.ts'
import { type Calibration, exposureVerdicts, type SensorCondition, shiftBasis } from './verdicts.ts'

const VALID_READING = faultSignal(0)
const FAULTY_READING = faultSignal(1)

/** How often the time-weighted signals (STEL, TWA, dose) of one sensor's factor are re-evaluated. */
export const SIGNAL_INTERVAL_MS = 10_000

export interface FacilityRules {
  profile: ProfileId
  shifts: ShiftPattern
}

/** One sensor's factor under watch: its evaluator for the current shift, with the limits it is held to. */
interface MonitoredFactor {
  /** factorKey(sensorId, factor) */
  id: string
  key: { facilityId: string; sensorId: string; factor: Reading['factor'] }
  limits: ResolvedLimits | undefined
  evaluator: ExposureEvaluator
  /** The evaluator's shift: readings inside it need no shift arithmetic. */
  shift: ShiftWindow
  /** Reading time of the last full evaluation; 0 forces one. */
  evaluatedAt: number
  /** Its values are WBGT estimated from temperature and humidity, not measured. */
  estimated: boolean
}

/** One evaluator as saved: whose it is, and its state. */
export interface SavedEvaluator {
  key: MonitoredFactor['key']
  /** Fed WBGT estimates rather than readings. */
  estimated: boolean
  evaluator: ExposureStateData
  /** The shift it was opened on; absent in state saved before shifts followed the facility's pattern. */
  shift?: ShiftWindow
}

export interface ExposureMonitorState {
  evaluators: SavedEvaluator[]
  tracker?: AlertTrackerData
}

export interface Observation {
  transitions: AlertTransition[]
  /** The figures re-evaluated with this reading: its own and, for temperature or humidity, the WBGT estimate's. */
  exposures: ExposurePoint[]
}

// Most readings change nothing: one shared, frozen answer instead of two empty arrays per reading.
const NOTHING: Observation = Object.freeze({
  transitions: Object.freeze([]) as unknown as AlertTransition[],
  exposures: Object.freeze([]) as unknown as ExposurePoint[],
})

/**
 * The live exposure engine: one evaluator per (sensor, factor) and one alert tracker for all of them.
 * Limits come from the facility's profile, in the variant of the sensor's zone if it has one.
 *
 * Each reading costs an O(1) update of its evaluator. The full evaluation (summary, signals, alert
 * lifecycle) runs at most every SIGNAL_INTERVAL_MS of reading time, except when the reading itself
 * breaches an instantaneous limit or its sensor has an active alert: then at once, because the
 * publish-to-alert latency is what an officer feels.
 *
 * A sensor that reports temperature and humidity but no WBGT also gets a `wbgt` evaluator fed with the
 * screening estimate (core/exposure/heat-stress.ts): its heat-stress alerts only warn and say so.
 */
export function createExposureMonitor(
  rulesOf: (facilityId: string) => FacilityRules,
  limitVariantOf: (sensorId: string) => string | undefined,
  options: AlertTrackerOptions = {},
  restored?: ExposureMonitorState,
  /** The sensor's calibration at a reading's time, for the verdicts' basis. Default: unknown. */
  calibrationOf: (sensorId: string, time: number) => Calibration = () => 'unknown',
) {
  const monitored = new Map<string, MonitoredFactor>()
  const tracker = restored?.tracker
    ? AlertTracker.fromJSON(restored.tracker, options)
    : new AlertTracker(options)
  const activeSensors = new Map<string, number>()
  // The open sensor-offline alert of each sensor, whichever factor it was raised on.
  const offlineAlerts = new Map<string, Alert>()
  // Sensors with an open sensor-fault alert: no basis for a projection or a "within" (verdicts.ts).
  const faultySensors = new Set<string>()
  for (const alert of tracker.active()) countActive(alert, 1)
  // The shift in progress at each facility, the latest opened: a change of pattern applies after it.
  const facilityShifts = new Map<string, ShiftWindow>()
  const openedShifts: FacilityShift[] = []
  // Each sensor's evaluators in the order `monitored` holds them: the offline sweep judges sensors, and
  // finding each one's newest reading by a pass over every evaluator cost 50–270 ms at 100,000 sensors.
  const factorsBySensor = new Map<string, MonitoredFactor[]>()
  for (const { key, estimated, evaluator: data, shift: saved } of restored?.evaluators ?? []) {
    const rules = rulesOf(key.facilityId)
    const limits = limitsFor(rules.profile, key.factor, limitVariantOf(key.sensorId))
    const id = factorKey(key.sensorId, key.factor)
    const shift = saved ?? shiftWindowAt(data.shiftStart, rules.shifts)
    watch({
      id,
      key,
      limits,
      evaluator: ExposureEvaluator.fromJSON(data, evaluatorOptions(key.factor, shift, limits)),
      shift,
      evaluatedAt: 0,
      estimated,
    })
    const latest = facilityShifts.get(key.facilityId)
    if (latest === undefined || shift.start > latest.start) facilityShifts.set(key.facilityId, shift)
  }
  // Evaluators that took readings since they were last handed out for saving, oldest change first.
  const changed = new Set<string>()
  const wbgtEstimators = new Map<string, WbgtEstimator>()
  const measuresWbgt = new Set<string>()

  /** Puts an evaluator under watch, in the place of the one it replaces (a new shift's) if any. */
  function watch(entry: MonitoredFactor): void {
    monitored.set(entry.id, entry)
    const factors = factorsBySensor.get(entry.key.sensorId)
    if (factors === undefined) return void factorsBySensor.set(entry.key.sensorId, [entry])
    const replaced = factors.findIndex((factor) => factor.id === entry.id)
    if (replaced === -1) factors.push(entry)
    else factors[replaced] = entry
  }

  function countActive(alert: Alert, delta: 1 | -1): void {
    if (alert.kind === 'sensor-offline') {
      if (delta === 1) offlineAlerts.set(alert.sensorId, alert)
      else if (offlineAlerts.get(alert.sensorId)?.id === alert.id) offlineAlerts.delete(alert.sensorId)
    }
    if (alert.kind === 'sensor-fault') {
      if (delta > 0) faultySensors.add(alert.sensorId)
      else faultySensors.delete(alert.sensorId)
    }
    const sensorKey = factorKey(alert.sensorId, alert.factor)
    const count = (activeSensors.get(sensorKey) ?? 0) + delta
    if (count > 0) activeSensors.set(sensorKey, count)
    else activeSensors.delete(sensorKey)
  }

  /** Keeps the active alerts by sensor in step with the tracker's transitions. */
  function noteTransitions(transitions: AlertTransition[]): AlertTransition[] {
    for (const { type, alert } of transitions) {
      if (type === 'opened') countActive(alert, 1)
      else if (type === 'cleared') countActive(alert, -1)
    }
    return transitions
  }

  function monitoredFactorOf(reading: Reading, estimated: boolean): MonitoredFactor {
    const id = factorKey(reading.sensorId, reading.factor)
    const existing = monitored.get(id)
    // The common case, a reading in the shift its evaluator covers, costs no shift arithmetic.
    if (existing !== undefined && reading.time < existing.shift.end && reading.time >= existing.shift.start) {
      return existing
    }
    const rules = rulesOf(reading.facilityId)
    const shift = shiftOf(reading.facilityId, reading.time, rules.shifts)
    // A late reading of an earlier shift does not reopen it.
    if (existing !== undefined && existing.shift.start > shift.start) return existing
    const limits = limitsFor(rules.profile, reading.factor, limitVariantOf(reading.sensorId))
    const entry: MonitoredFactor = {
      id,
      key: { facilityId: reading.facilityId, sensorId: reading.sensorId, factor: reading.factor },
      limits,
      evaluator: new ExposureEvaluator(evaluatorOptions(reading.factor, shift, limits)),
      shift,
      evaluatedAt: 0,
      estimated,
    }
    watch(entry)
    return entry
  }

  /** The facility's shift at `time`, opening the next one (by the pattern in force now) once it is past. */
  function shiftOf(facilityId: string, time: number, pattern: ShiftPattern): ShiftWindow {
    const current = facilityShifts.get(facilityId)
    const shift = shiftWindowAt(time, pattern, current)
    if (current === undefined || shift.start > current.start) {
      facilityShifts.set(facilityId, shift)
      openedShifts.push({ facilityId, ...shift })
    }
    return shift
  }

  function breachesInstantly(limits: ResolvedLimits, value: number): boolean {
    return (
      (limits.ceiling !== undefined && value > limits.ceiling.value) ||
      (limits.idlh !== undefined && value >= limits.idlh.value) ||
      (limits.floor !== undefined && value < limits.floor.value)
    )
  }

  function observe(reading: Reading): Observation {
    const observation = evaluate(reading, false)
    if (reading.factor === 'wbgt') measuresWbgt.add(reading.sensorId)
    if (
      (reading.factor !== 'temperature' && reading.factor !== 'humidity') ||
      measuresWbgt.has(reading.sensorId)
    )
      return observation
    let estimator = wbgtEstimators.get(reading.sensorId)
    if (estimator === undefined) {
      estimator = new WbgtEstimator()
      wbgtEstimators.set(reading.sensorId, estimator)
    }
    const wbgt = estimator.observe(reading.factor, reading.time, reading.value)
    if (wbgt === undefined) return observation
    const estimate = evaluate({ ...reading, factor: 'wbgt', value: wbgt }, true)
    if (estimate === NOTHING) return observation
    if (observation === NOTHING) return estimate
    return {
      transitions: [...observation.transitions, ...estimate.transitions],
      exposures: [...observation.exposures, ...estimate.exposures],
    }
  }

  function evaluate(reading: Reading, estimated: boolean): Observation {
    const entry = monitoredFactorOf(reading, estimated)
    if (entry.evaluator.observe(reading.time, reading.value) !== 'accepted') return NOTHING
    changed.add(entry.id)
    const back = estimated ? [] : backOnline(entry.key, reading.time)
    const limits = entry.limits
    const due =
      limits !== undefined &&
      (reading.time - entry.evaluatedAt >= SIGNAL_INTERVAL_MS ||
        breachesInstantly(limits, reading.value) ||
        activeSensors.has(entry.id))
    if (!due) return back.length === 0 ? NOTHING : { transitions: noteTransitions(back), exposures: [] }
    entry.evaluatedAt = reading.time
    const summary = entry.evaluator.summary()
    // A valid reading is also the evidence that clears a sensor-fault alert.
    // Tracked at once: a fault it clears no longer weighs on the verdicts below.
    const transitions: AlertTransition[] = estimated
      ? []
      : noteTransitions([...back, ...tracker.observe(entry.key, VALID_READING, reading.time)])
    const condition: SensorCondition = {
      calibration: calibrationOf(reading.sensorId, reading.time),
      faults: faultySensors.has(reading.sensorId) ? ['sensor-fault'] : [],
    }
    const verdicts = exposureVerdicts(summary, limits, condition)
    for (const signal of exposureSignals(summary, limits, { estimated, verdicts })) {
      transitions.push(...noteTransitions(tracker.observe(entry.key, signal, reading.time)))
    }
    return {
      transitions,
      exposures: [
        {
          ...entry.key,
          time: reading.time,
          shiftStart: entry.evaluator.shiftStart,
          shift: entry.shift,
          coverage: summary.coverage,
          stel: summary.stel,
          twa: summary.twa,
          twaProjected: summary.projectedTwa,
          dose: summary.dosePercent,
          doseProjected: summary.projectedDosePercent,
          lex8h: summary.lex8h,
          hourMean: summary.hourMean,
          basis: shiftBasis(summary, condition),
          verdicts,
        },
      ],
    }
  }

  /**
   * A reading of any factor, taken since the sensor was found silent, is the evidence that it is back: it
   * feeds the sensor's open offline alert, whichever factor that was raised on, so the alert clears after
   * the tracker's clearing time (60 s) of readings.
   */
  function backOnline(key: MonitoredFactor['key'], time: number): AlertTransition[] {
    const offline = offlineAlerts.get(key.sensorId)
    // A reading older than the alert is one the sensor kept while silent: as the sweep judges, it is not back.
    if (offline === undefined || time < offline.openedAt) return []
    const alertKey = { facilityId: offline.facilityId, sensorId: offline.sensorId, factor: offline.factor }
    return tracker.observe(alertKey, offlineSignal(time, time, offline.limit * 60_000), time)
  }

  /**
   * Raises `sensor-offline` for sensors silent longer than `offlineAfterMs` (by default the evaluator's max
   * sample interval) and clears it when they report again. One alert per sensor, not per factor: a
   * multi-gas detector that dies is one problem. Silence is the time since the sensor's newest reading of
   * any factor: a sensor back with another factor than the one it fell silent on is back.
   */
  function sweepOffline(
    now: number,
    offlineAfterMs: (sensorId: string) => number | undefined,
  ): AlertTransition[] {
    return startOfflineSweep(offlineAfterMs).next(now, Number.POSITIVE_INFINITY).transitions
  }

  /**
   * `sweepOffline` a piece at a time, so that a large fleet's sweep can give the event loop back between
   * pieces: each `next` judges up to `max` more sensors at `now`, until `done`. Sensors that first report
   * during a sweep are judged in it if it has not yet passed them, else in the next one.
   */
  function startOfflineSweep(offlineAfterMs: (sensorId: string) => number | undefined) {
    const sensors = factorsBySensor.entries()
    return {
      next(now: number, max: number): { transitions: AlertTransition[]; done: boolean } {
        const transitions: AlertTransition[] = []
        for (let judged = 0; judged < max; judged++) {
          const step = sensors.next()
          if (step.done) return { transitions: noteTransitions(transitions), done: true }
          const [sensorId, factors] = step.value
          const transition = judgeSilence(sensorId, factors, now, offlineAfterMs)
          if (transition !== undefined) transitions.push(...transition)
        }
        return { transitions: noteTransitions(transitions), done: false }
      },
    }
  }

  function judgeSilence(
    sensorId: string,
    factors: readonly MonitoredFactor[],
    now: number,
    offlineAfterMs: (sensorId: string) => number | undefined,
  ): AlertTransition[] | undefined {
    let newest: MonitoredFactor | undefined
    for (const entry of factors) {
      // A WBGT estimate is as fresh as the readings behind it; the alert names a factor the sensor sends.
      if (entry.estimated) continue
      if (newest === undefined || (entry.evaluator.lastTime ?? 0) > (newest.evaluator.lastTime ?? 0)) {
        newest = entry
      }
    }
    if (newest === undefined) return undefined
    const limit = offlineAfterMs(sensorId) ?? newest.evaluator.maxSampleIntervalMs
    const lastTime = newest.evaluator.lastTime
    const offline = offlineAlerts.get(sensorId)
    // Only a silent sensor, or one with an offline alert that may clear, has news for the tracker:
    // skipping the others keeps a sweep of thousands of sensors short.
    const silent = lastTime !== undefined && now - lastTime > limit
    if (!silent && offline === undefined) return undefined
    // The alert stays on the factor it was raised on; a new one names the factor reported last.
    const key =
      offline === undefined
        ? newest.key
        : { facilityId: offline.facilityId, sensorId, factor: offline.factor }
    return tracker.observe(key, offlineSignal(lastTime, now, limit), now)
  }

  /** A reading of a registered sensor refused as physically impossible: the sensor is faulty. */
  function observeFault(key: MonitoredFactor['key'], now: number): AlertTransition[] {
    return noteTransitions(tracker.observe(key, FAULTY_READING, now))
  }

  return {
    observe,
    observeFault,
    sweepOffline,
    startOfflineSweep,
    openAlerts: () => tracker.active().length,
    /** How many evaluators changed since they were last taken for saving. */
    changedCount: () => changed.size,
    /**
     * Up to `max` evaluators that changed since they were last taken, oldest change first: saving a share
     * of them at a time keeps any one save short, where saving all at once would stall the event loop.
     */
    takeChanged(max: number): SavedEvaluator[] {
      const taken: SavedEvaluator[] = []
      for (const id of changed) {
        if (taken.length >= max) break
        changed.delete(id)
        const entry = monitored.get(id)
        if (entry !== undefined) taken.push(saved(entry))
      }
      return taken
    },
    /** The shifts opened since they were last taken, for the registry (the exposures API reports them). */
    takeOpenedShifts(): FacilityShift[] {
      return openedShifts.splice(0)
    },
    /** The alert tracker's whole state now, its changes counted as taken: a partition saves it so. */
    takeTrackerState: (): AlertTrackerData => tracker.takeWhole(),
    /** How many of the alert tracker's slots changed since they were last taken for saving. */
    trackerChangedCount: () => tracker.changedCount(),
    /** Up to `max` of the alert tracker's slots that changed since they were last taken, with their alerts. */
    takeTrackerChanges: (max: number): SavedSlot[] => tracker.takeChanged(max),
    /** Slots taken for a save that failed: they go with the next one. */
    markTrackerChanged: (keys: Iterable<string>): void => tracker.markChanged(keys),
    /** Everything, for a restart: `createExposureMonitor(…, monitor.toJSON())`. */
    toJSON(): ExposureMonitorState {
      return { evaluators: [...monitored.values()].map(saved), tracker: tracker.toJSON() }
    },
  }
}

function saved(entry: MonitoredFactor): SavedEvaluator {
  return {
    key: entry.key,
    estimated: entry.estimated,
    evaluator: entry.evaluator.toJSON(),
    shift: entry.shift,
  }
}

/** The shift's planned length drives the projections; the TWA and dose keep their 8-h reference. */
function evaluatorOptions(factor: Reading['factor'], shift: ShiftWindow, limits: ResolvedLimits | undefined) {
  return {
    factor,
    shiftStart: shift.start,
    shiftHours: shift.hours,
    noise: limits?.noise,
    hourMean: limits?.hourMean !== undefined,
  }
}

function factorKey(sensorId: string, factor: string): string {
  return `${sensorId}\u0000${factor}`
}

export type ExposureMonitor = ReturnType<typeof createExposureMonitor>
