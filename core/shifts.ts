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
