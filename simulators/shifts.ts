/** Vietnam keeps UTC+7 all year, with no daylight saving. */
export const VIETNAM_UTC_OFFSET_HOURS = 7

/**
 * Production periods in local hours, each `[start, end)`. An end past 24 runs into the next day,
 * so a night shift is `[22, 30]`; breaks are the gaps between periods.
 */
export type ShiftSchedule = readonly (readonly [start: number, end: number])[]

/** Machines spin up and down over this long, in hours, rather than switching in an instant. */
const RAMP_HOURS = 0.25

/** Hours since local midnight, fractional, in [0, 24). */
export function localHour(timeMs: number, utcOffsetHours: number = VIETNAM_UTC_OFFSET_HOURS): number {
  const hours = timeMs / 3_600_000 + utcOffsetHours
  return ((hours % 24) + 24) % 24
}

/** How busy the workplace is at `timeMs`: 0 when idle (nights, breaks), 1 in full production. */
export function workIntensity(
  schedule: ShiftSchedule,
  timeMs: number,
  utcOffsetHours: number = VIETNAM_UTC_OFFSET_HOURS,
): number {
  const hour = localHour(timeMs, utcOffsetHours)
  let intensity = 0
  for (const [start, end] of schedule) {
    // Yesterday's night shift may still be running after midnight.
    for (const h of [hour, hour + 24]) {
      const level = Math.min((h - start) / RAMP_HOURS, (end - h) / RAMP_HOURS, 1)
      if (level > intensity) intensity = level
    }
  }
  return intensity
}
