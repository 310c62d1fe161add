import { MAX_PLANNED_SHIFT_HOURS, type ShiftPattern } from '../shifts.ts'

export const HOUR_MS = 3_600_000
const DAY_MINUTES = 1440

/** A value per UTC hour of day, index 0 (00:00–01:00 UTC) to 23. */
export type ByUtcHour = readonly number[]

function minutesOf(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm)
  if (match === null) throw new Error(`shift start "${hhmm}" is not HH:MM`)
  return Number(match[1]) * 60 + Number(match[2])
}

/**
 * The working time of one day, as local minutes from midnight: each shift runs until the next one starts,
 * as ingest plans it (core/shifts.ts `plannedShiftHours`: two 12-hour shifts are 24 working hours); where
 * the next start is more than 12 h away the pattern does not say when work stops, and the shift runs for
 * `shiftHours`. An interval may run past midnight (end > 1440). Every day is a working day: a shift pattern
 * records no rest days.
 *
 * @example
 * shiftIntervals({ starts: ['07:00'], utcOffsetMinutes: 420 }, 8) // [[420, 900]]
 * shiftIntervals({ starts: ['07:30', '19:30'], utcOffsetMinutes: 420 }, 8) // [[450, 1170], [1170, 1890]]
 */
export function shiftIntervals(pattern: ShiftPattern, shiftHours: number): [number, number][] {
  if (!(shiftHours > 0 && shiftHours <= 24))
    throw new RangeError(`shiftHours must be in (0, 24], got ${shiftHours}`)
  const starts = [...new Set(pattern.starts.map(minutesOf))].sort((a, b) => a - b)
  if (starts.length === 0) throw new RangeError('a shift pattern needs at least one start')
  return starts.map((start, i) => {
    const next = starts[i + 1] ?? (starts[0] as number) + DAY_MINUTES
    const length = next - start <= MAX_PLANNED_SHIFT_HOURS * 60 ? next - start : shiftHours * 60
    return [start, start + length]
  })
}

/**
 * The share (0–1) of each UTC hour of day that is working time under the pattern. Working time is judged
 * hour by hour of the day so a store only has to say in which hours of the day a sensor reported.
 */
export function workingWeights(pattern: ShiftPattern, shiftHours: number): number[] {
  const minutes = new Array<number>(DAY_MINUTES).fill(0)
  for (const [start, end] of shiftIntervals(pattern, shiftHours)) {
    for (let m = start; m < end; m++) {
      const utc = (((m - pattern.utcOffsetMinutes) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES
      minutes[utc] = 1
    }
  }
  const minutesPerHour = new Array<number>(24).fill(0)
  for (let m = 0; m < DAY_MINUTES; m++) minutesPerHour[Math.floor(m / 60)]! += minutes[m]!
  return minutesPerHour.map((n) => n / 60)
}

/**
 * How many clock hours of each UTC hour of day start in [from, to): the hours a store's "distinct hours with
 * a reading" are counted against.
 */
export function hourOccurrences(from: number, to: number): number[] {
  const first = Math.ceil(from / HOUR_MS)
  const count = Math.max(0, Math.ceil(to / HOUR_MS) - first)
  const occurrences = new Array<number>(24).fill(Math.floor(count / 24))
  for (let i = 0; i < count % 24; i++) occurrences[(((first + i) % 24) + 24) % 24]! += 1
  return occurrences
}

/** Σ weight × hours: working hours expected in a window, or working hours with data. */
export function weightedHours(weights: ByUtcHour, hours: ByUtcHour): number {
  let sum = 0
  for (let h = 0; h < 24; h++) sum += (weights[h] ?? 0) * (hours[h] ?? 0)
  return sum
}
