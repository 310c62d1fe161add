/**
 * Work shifts. Exposure is judged per shift (8-h TWA, daily noise dose), so every reading must fall in
 * a shift whose start is known. A facility gives its shift start times as local "HH:MM" and its offset
 * from UTC; Vietnam keeps UTC+7 all year, without daylight saving.
 */
export interface ShiftPattern {
  /** Local start times, "HH:MM", e.g. ["06:00", "14:00", "22:00"] for three 8-hour shifts. */
  readonly starts: readonly string[]
  readonly utcOffsetMinutes: number
}

/** Three 8-hour shifts from 06:00 in Vietnam's time zone: the default until a facility says otherwise. */
export const DEFAULT_SHIFT_PATTERN: ShiftPattern = {
  starts: ['06:00', '14:00', '22:00'],
  utcOffsetMinutes: 420,
}

const DAY_MS = 86_400_000
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/

export function isShiftStart(value: string): boolean {
  return HHMM.test(value)
}

/** UTC−12:00 … UTC+14:00: the offsets in use on Earth. */
export const MIN_UTC_OFFSET_MINUTES = -720
export const MAX_UTC_OFFSET_MINUTES = 840

/**
 * The longest shift planned as such: Labour Code 2019 Art. 105(2) caps normal plus overtime hours at 12 a day
 * and Circular 18/2021/TT-BLĐTBXH Art. 4 allows planned days of 8–12 h (../shared/reference, "Shift length").
 */
export const MAX_PLANNED_SHIFT_HOURS = 12
/** QCVN's limits assume 8 h a shift: the planned length when a pattern does not say when work ends. */
export const DEFAULT_SHIFT_HOURS = 8

/**
 * What is wrong with a pattern as someone gives it, or undefined: starts "HH:MM" in increasing order, each
 * once, and an offset in whole minutes within UTC−12:00 … UTC+14:00. A shift runs from its start to the next.
 */
export function shiftPatternProblem(pattern: ShiftPattern): string | undefined {
  if (pattern.starts.length === 0) return 'starts: a shift pattern needs at least one start'
  const bad = pattern.starts.find((start) => !isShiftStart(start))
  if (bad !== undefined) return `starts: "${bad}" is not a local time HH:MM`
  for (let i = 1; i < pattern.starts.length; i++) {
    if (pattern.starts[i]! <= pattern.starts[i - 1]!) {
      return `starts: must be in increasing order, each once (got ${pattern.starts.join(', ')}); a shift ends where the next starts`
    }
  }
  const offset = pattern.utcOffsetMinutes
  if (!Number.isInteger(offset) || offset < MIN_UTC_OFFSET_MINUTES || offset > MAX_UTC_OFFSET_MINUTES) {
    return `utcOffsetMinutes: ${offset} is not a whole number of minutes from -720 (UTC−12:00) to 840 (UTC+14:00)`
  }
  return undefined
}

/** A pattern ingest can compute with: starts HH:MM (in any order, as older records may have them), a sane offset. */
export function isUsableShiftPattern(pattern: ShiftPattern): boolean {
  return shiftPatternProblem({ ...pattern, starts: [...new Set(pattern.starts)].sort() }) === undefined
}

function minutesOfDay(hhmm: string): number {
  const match = HHMM.exec(hhmm)
  if (match === null) throw new Error(`shift start "${hhmm}" is not HH:MM`)
  return Number(match[1]) * 60 + Number(match[2])
}

// Start times parsed once per pattern: shiftStartAt runs for readings on the hot path.
const startOffsets = new WeakMap<ShiftPattern, number[]>()

function startOffsetsMs(pattern: ShiftPattern): number[] {
  let offsets = startOffsets.get(pattern)
  if (offsets === undefined) {
    offsets = pattern.starts.map((start) => minutesOfDay(start) * 60_000)
    startOffsets.set(pattern, offsets)
  }
  return offsets
}

/**
 * The epoch ms at which the shift containing `time` started: the latest start at or before `time`.
 *
 * @example
 * shiftStartAt(Date.parse('2026-11-23T01:30:00Z'), DEFAULT_SHIFT_PATTERN) // 2026-11-22T15:00Z, i.e. 22:00 local
 */
export function shiftStartAt(time: number, pattern: ShiftPattern): number {
  const offsetMs = pattern.utcOffsetMinutes * 60_000
  const local = time + offsetMs
  const dayStart = local - (((local % DAY_MS) + DAY_MS) % DAY_MS)
  let best = Number.NEGATIVE_INFINITY
  for (const startMs of startOffsetsMs(pattern)) {
    const candidate = dayStart + startMs <= local ? dayStart + startMs : dayStart + startMs - DAY_MS
    if (candidate > best) best = candidate
  }
  return best - offsetMs
}

/** The epoch ms at which the shift containing `time` ends: the next start after `time`. */
export function shiftEndAt(time: number, pattern: ShiftPattern): number {
  const offsetMs = pattern.utcOffsetMinutes * 60_000
  const local = time + offsetMs
  const dayStart = local - (((local % DAY_MS) + DAY_MS) % DAY_MS)
  let best = Number.POSITIVE_INFINITY
  for (const startMs of startOffsetsMs(pattern)) {
    const candidate = dayStart + startMs > local ? dayStart + startMs : dayStart + startMs + DAY_MS
    if (candidate < best) best = candidate
  }
  return best - offsetMs
}

/**
 * One shift as exposure is judged on it: readings from `start` until `end` (the next shift's start) count
 * to it; `hours` is its planned length, for the end-of-shift projections.
 */
export interface ShiftWindow {
  readonly start: number
  readonly end: number
  readonly hours: number
  /** The pattern's offset, so the shift can be shown in the facility's local time. */
  readonly utcOffsetMinutes: number
}

/** One shift of a pattern's day in local time: "07:30" to "19:30", 12 planned hours. */
export interface ShiftOfDay {
  readonly start: string
  readonly end: string
  readonly hours: number
}

/**
 * The shifts a pattern declares, each from its start to the next one's (the first of the next day for the
 * last), or 8 h when that is more than 12 h: what the pattern means, for people to check it.
 *
 * @example
 * shiftsOfDay({ starts: ['07:30', '19:30'], utcOffsetMinutes: 420 })
 * // [{ start: '07:30', end: '19:30', hours: 12 }, { start: '19:30', end: '07:30', hours: 12 }]
 */
export function shiftsOfDay(pattern: ShiftPattern): ShiftOfDay[] {
  const minutes = pattern.starts.map(minutesOfDay).sort((a, b) => a - b)
  return minutes.map((start, i) => {
    const next = i + 1 < minutes.length ? minutes[i + 1]! : minutes[0]! + 1440
    const hours = plannedShiftHours((next - start) * 60_000)
    return { start: hhmm(start), end: hhmm(start + hours * 60), hours }
  })
}

function hhmm(minutes: number): string {
  const ofDay = ((Math.round(minutes) % 1440) + 1440) % 1440
  return `${String(Math.floor(ofDay / 60)).padStart(2, '0')}:${String(ofDay % 60).padStart(2, '0')}`
}

/** A shift opened at a facility, as the registry keeps it for the exposures API. */
export interface FacilityShift extends ShiftWindow {
  readonly facilityId: string
}

/**
 * The planned length of a shift that runs until the next one starts: that time when it is at most 12 h;
 * longer (one start a day), the pattern does not say when work stops, and the shift is taken as 8 h.
 */
export function plannedShiftHours(lengthMs: number): number {
  const hours = lengthMs / 3_600_000
  return hours <= MAX_PLANNED_SHIFT_HOURS ? hours : DEFAULT_SHIFT_HOURS
}

/**
 * The shift a reading at `time` belongs to, given the facility's shift in progress (`current`, the latest one
 * opened). A change of pattern applies from the next shift: a time inside `current` stays in it whatever the
 * pattern says now, and the first shift after it starts where it ended if the new pattern would start it
 * earlier (07:30 → 19:30 replacing 06:00/14:00/22:00 at 10:00 gives 06:00–14:00, 14:00–19:30, 19:30–07:30),
 * so that no reading counts in two shifts.
 *
 * @example
 * shiftWindowAt(Date.parse('2026-11-23T19:00:00+07:00'), { starts: ['07:30', '19:30'], utcOffsetMinutes: 420 })
 * // { start: 2026-11-23T07:30+07:00, end: 2026-11-23T19:30+07:00, hours: 12, utcOffsetMinutes: 420 }
 */
export function shiftWindowAt(time: number, pattern: ShiftPattern, current?: ShiftWindow): ShiftWindow {
  if (current !== undefined && time >= current.start && time < current.end) return current
  let start = shiftStartAt(time, pattern)
  let end = shiftEndAt(time, pattern)
  if (current !== undefined && time >= current.end) start = Math.max(start, current.end)
  // A late reading of a shift before the one in progress: that shift ended where the current one began.
  if (current !== undefined && time < current.start) end = Math.min(end, current.start)
  return { start, end, hours: plannedShiftHours(end - start), utcOffsetMinutes: pattern.utcOffsetMinutes }
}
