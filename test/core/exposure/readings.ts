export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const SHIFT_START = Date.UTC(2026, 10, 23, 0, 0, 0)

/**
 * One reading a minute through consecutive segments of steady level, then a closing reading at the end
 * (a reading's value stands until the next one, so the last one only marks the end).
 */
export function steady(
  segments: readonly (readonly [minutes: number, value: number])[],
  start = SHIFT_START,
) {
  const readings: { time: number; value: number }[] = []
  let time = start
  for (const [minutes, value] of segments) {
    for (let minute = 0; minute < minutes; minute++) {
      readings.push({ time, value })
      time += MINUTE
    }
  }
  readings.push({ time, value: segments.at(-1)?.[1] ?? 0 })
  return readings
}

/** Relative closeness, for figures checked to 0.1 %. */
export function within(actual: number | null | undefined, expected: number, relative = 0.001): boolean {
  return (
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= Math.abs(expected) * relative
  )
}
