/**
 * A log cut into the shifts it falls in: exposure limits are per shift (8-h TWA, daily dose), so a log
 * that runs from 06:00 to 18:00 under 06:00 / 14:00 / 22:00 shifts is two partial shifts, not one long one.
 */
import { type ShiftPattern, shiftEndAt, shiftStartAt } from '../shifts.ts'

export interface TimedValue {
  readonly time: number
  readonly value: number
}

export interface ShiftReadings {
  readonly start: number
  readonly end: number
  /** Readings of the file in this shift, in file order. */
  readonly samples: number
  /**
   * The readings to evaluate: the file's, plus where a value stands across the boundary (the next reading
   * comes within `holdMs`) the same value at the boundary, closing one shift and opening the next, so the
   * held time is split at the boundary instead of credited whole to the earlier shift or lost.
   */
  readonly readings: TimedValue[]
}

/** The readings of each shift the log touches, earliest shift first. */
export function splitByShift(
  readings: readonly TimedValue[],
  pattern: ShiftPattern,
  holdMs: number,
): ShiftReadings[] {
  const groups = new Map<number, { start: number; end: number; readings: TimedValue[] }>()
  for (const reading of readings) {
    const start = shiftStartAt(reading.time, pattern)
    let group = groups.get(start)
    if (group === undefined) {
      group = { start, end: shiftEndAt(reading.time, pattern), readings: [] }
      groups.set(start, group)
    }
    group.readings.push(reading)
  }
  const shifts = [...groups.values()].sort((a, b) => a.start - b.start)
  // A log that ends with a reading right on a shift boundary ends the shift with it (a closing reading,
  // as loggers write at the end of a run); it does not open a shift of its own with nothing measured.
  const last = shifts.at(-1)
  const beforeLast = shifts.at(-2)
  if (
    last !== undefined &&
    beforeLast !== undefined &&
    last.readings.length === 1 &&
    last.readings[0]!.time === last.start &&
    beforeLast.end === last.start
  ) {
    beforeLast.readings.push(last.readings[0]!)
    shifts.pop()
  }
  return shifts.map((shift, index) => {
    const before = shifts[index - 1]
    const after = shifts[index + 1]
    const opening =
      before === undefined || before.end !== shift.start
        ? undefined
        : carried(latest(before.readings), earliest(shift.readings))
    const closing =
      after === undefined ? undefined : carried(latest(shift.readings), earliest(after.readings))
    const boundaryOpen = opening !== undefined && earliest(shift.readings).time > shift.start
    const boundaryClose = closing !== undefined && after!.start === shift.end
    return {
      start: shift.start,
      end: shift.end,
      samples: shift.readings.length,
      readings: [
        ...(boundaryOpen ? [{ time: shift.start, value: opening.value }] : []),
        ...shift.readings,
        ...(boundaryClose ? [{ time: shift.end, value: closing.value }] : []),
      ],
    }
  })

  function carried(last: TimedValue, next: TimedValue): TimedValue | undefined {
    return next.time - last.time <= holdMs ? last : undefined
  }
}

function latest(readings: readonly TimedValue[]): TimedValue {
  return readings.reduce((a, b) => (b.time > a.time ? b : a))
}

function earliest(readings: readonly TimedValue[]): TimedValue {
  return readings.reduce((a, b) => (b.time < a.time ? b : a))
}
