import type { FactorId } from './factors.ts'

/**
 * A sensor is `commissioning` from its registration until its checklist is met once; then it is
 * `commissioned` for good (a later lapse of calibration is the calibration's business, not a new commissioning).
 * Only commissioned sensors count for coverage (core/coverage/assess.ts).
 */
export const COMMISSIONING_STATES = ['commissioning', 'commissioned'] as const
export type CommissioningState = (typeof COMMISSIONING_STATES)[number]

export const CHECKLIST_ITEMS = [
  /** A valid reading was received. */
  'first-reading',
  /** Every factor the sensor is registered for has sent a valid reading. */
  'factors-reporting',
  /** The last calibration and the next due date are registered, and the due date has not passed. */
  'calibration',
  /** Readings came at the registered interval, without a longer gap, for OBSERVATION_MS. */
  'reporting-interval',
] as const
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number]

/** How long the reporting interval must be kept without a gap. */
export const OBSERVATION_MS = 60 * 60 * 1000
/**
 * A gap between two readings longer than this many reporting intervals breaks the observation: devices
 * jitter around their interval, and a sensor that misses a whole report is not yet reliable.
 */
export const MAX_GAP_INTERVALS = 1.5

/**
 * What ingest has seen of a sensor while it is commissioned, on the readings' own times: a device that
 * buffered an hour of readings and sends them at once did keep its interval for that hour.
 */
export interface CommissioningProgress {
  /** Epoch ms of the earliest valid reading. */
  firstReadingAt?: number
  /** Per factor, the time of its latest valid reading. */
  factorsSeen: Partial<Record<FactorId, number>>
  /** Start of the current run of readings without a gap longer than MAX_GAP_INTERVALS intervals. */
  runStart?: number
  /** The reporting interval the run was observed against: a changed interval starts the observation again. */
  runIntervalS?: number
  /** The latest reading's time. */
  lastReadingAt?: number
  /** The reporting interval a run kept for OBSERVATION_MS: met for good while the sensor keeps that interval. */
  keptIntervalS?: number
  /** When the checklist was first met; 0 for a sensor that reported before commissioning was tracked. */
  commissionedAt?: number
}

/** What the checklist needs of the sensor (the registry's Sensor fits). */
export interface CommissioningSensor {
  factors: readonly FactorId[]
  calibratedAt?: number
  calibrationDue?: number
  reportingIntervalS: number
}

export interface ChecklistEntry {
  item: ChecklistItem
  met: boolean
  /** What is met or missing, in English for the API; pages say it from the other fields in their language. */
  detail: string
}

export interface CommissioningAssessment {
  state: CommissioningState
  /** Every item met now: ingest then records the sensor as commissioned. */
  complete: boolean
  checklist: ChecklistEntry[]
  /** Registered factors without a valid reading yet. */
  missingFactors: FactorId[]
  /** How long the current run has kept the interval, ms; at least OBSERVATION_MS once an hour was kept. */
  observedMs: number
}

/** Whether a sensor commissioned at `commissionedAt` (undefined: not yet) counts in a window ending at `end`. */
export function commissionedBefore(commissionedAt: number | undefined, end: number): boolean {
  return commissionedAt !== undefined && commissionedAt < end
}

export const NO_PROGRESS: CommissioningProgress = Object.freeze({ factorsSeen: Object.freeze({}) })

/** The progress after one valid reading of `factor` at `time`, judged against the sensor's interval. */
export function observeReading(
  progress: CommissioningProgress,
  factor: FactorId,
  time: number,
  reportingIntervalS: number,
): CommissioningProgress {
  const next: CommissioningProgress = {
    ...progress,
    factorsSeen: { ...progress.factorsSeen, [factor]: Math.max(progress.factorsSeen[factor] ?? time, time) },
    firstReadingAt: Math.min(progress.firstReadingAt ?? time, time),
  }
  const last = progress.lastReadingAt
  const sameInterval = progress.runIntervalS === reportingIntervalS
  // A reading older than the latest (a late one from a buffer) says nothing about the gaps already judged.
  if (sameInterval && last !== undefined && time <= last) return next
  const startsAgain =
    !sameInterval || last === undefined || time - last > reportingIntervalS * 1000 * MAX_GAP_INTERVALS
  if (startsAgain) {
    next.runStart = time
    next.runIntervalS = reportingIntervalS
  }
  next.lastReadingAt = time
  if (time - next.runStart! >= OBSERVATION_MS) next.keptIntervalS = reportingIntervalS
  return next
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function minutes(ms: number): number {
  return Math.floor(ms / 60_000)
}

/**
 * The checklist of a sensor at `now`. Pure: the API shows it, ingest records the sensor as commissioned
 * when `complete` turns true.
 *
 * @example
 * assessCommissioning({ factors: ['noise'], reportingIntervalS: 60 }, NO_PROGRESS, Date.now()).state
 * // 'commissioning'
 */
export function assessCommissioning(
  sensor: CommissioningSensor,
  progress: CommissioningProgress,
  now: number,
): CommissioningAssessment {
  const missingFactors = sensor.factors.filter((factor) => progress.factorsSeen[factor] === undefined)
  const firstReading = progress.firstReadingAt !== undefined
  const run =
    progress.runIntervalS === sensor.reportingIntervalS &&
    progress.runStart !== undefined &&
    progress.lastReadingAt !== undefined
      ? progress.lastReadingAt - progress.runStart
      : 0
  const kept = progress.keptIntervalS === sensor.reportingIntervalS
  const observedMs = kept ? Math.max(run, OBSERVATION_MS) : run
  const checklist: ChecklistEntry[] = [
    {
      item: 'first-reading',
      met: firstReading,
      detail: firstReading
        ? `first valid reading at ${new Date(progress.firstReadingAt!).toISOString()}`
        : 'no valid reading yet',
    },
    {
      item: 'factors-reporting',
      met: missingFactors.length === 0,
      detail:
        missingFactors.length === 0
          ? `every registered factor reports (${sensor.factors.join(', ')})`
          : `no valid reading yet of ${missingFactors.join(', ')}`,
    },
    calibrationEntry(sensor, now),
    {
      item: 'reporting-interval',
      met: observedMs >= OBSERVATION_MS,
      detail:
        observedMs >= OBSERVATION_MS
          ? `reported every ${sensor.reportingIntervalS} s for ${minutes(observedMs)} min`
          : `reported every ${sensor.reportingIntervalS} s for ${minutes(observedMs)} of ${minutes(OBSERVATION_MS)} min`,
    },
  ]
  const complete = checklist.every((entry) => entry.met)
  return {
    state: progress.commissionedAt !== undefined ? 'commissioned' : 'commissioning',
    complete,
    checklist,
    missingFactors,
    observedMs,
  }
}

function calibrationEntry(sensor: CommissioningSensor, now: number): ChecklistEntry {
  const { calibratedAt, calibrationDue } = sensor
  if (calibratedAt === undefined || calibrationDue === undefined) {
    const missing = [
      calibratedAt === undefined && 'calibratedAt',
      calibrationDue === undefined && 'calibrationDue',
    ]
    return {
      item: 'calibration',
      met: false,
      detail: `${missing.filter(Boolean).join(' and ')} not registered`,
    }
  }
  if (calibratedAt > now) {
    return {
      item: 'calibration',
      met: false,
      detail: `calibratedAt ${isoDate(calibratedAt)} is in the future`,
    }
  }
  if (calibrationDue < now) {
    return { item: 'calibration', met: false, detail: `calibration fell due on ${isoDate(calibrationDue)}` }
  }
  return {
    item: 'calibration',
    met: true,
    detail: `calibrated on ${isoDate(calibratedAt)}, due ${isoDate(calibrationDue)}`,
  }
}
