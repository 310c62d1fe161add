import { describe, expect, it } from 'vitest'
import { splitByShift } from '../../../core/exposure-log/by-shift.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../../core/shifts.ts'

const MINUTE = 60_000
const at = (iso: string) => Date.parse(iso)
const TWELVE_HOURS = { starts: ['07:30', '19:30'], utcOffsetMinutes: 420 }

describe('splitByShift', () => {
  it('keeps a log inside one shift whole, with the shift’s bounds', () => {
    const readings = [
      { time: at('2026-11-23T08:00:00+07:00'), value: 1 },
      { time: at('2026-11-23T09:00:00+07:00'), value: 2 },
    ]
    expect(splitByShift(readings, DEFAULT_SHIFT_PATTERN, 5 * MINUTE)).toEqual([
      { start: at('2026-11-23T06:00:00+07:00'), end: at('2026-11-23T14:00:00+07:00'), samples: 2, readings },
    ])
  })

  it('cuts a 07:30–19:30 log in two on the default shifts and keeps it whole on 12-hour ones', () => {
    const readings = [0, 6, 12].map((hours) => ({
      time: at('2026-11-23T07:30:00+07:00') + hours * 60 * MINUTE,
      value: hours,
    }))
    expect(splitByShift(readings, DEFAULT_SHIFT_PATTERN, 5 * MINUTE).map((s) => s.samples)).toEqual([2, 1])
    const twelve = splitByShift(readings, TWELVE_HOURS, 5 * MINUTE)
    // The 19:30 reading is the last and on the boundary: it ends the 07:30 shift.
    expect(twelve.map((s) => [new Date(s.start).toISOString(), s.samples])).toEqual([
      ['2026-11-23T00:30:00.000Z', 3],
    ])
    expect(twelve[0]!.end - twelve[0]!.start).toBe(12 * 60 * MINUTE)
  })

  it('splits a value held across the boundary at it: it closes one shift and opens the next', () => {
    const readings = [
      { time: at('2026-11-23T13:58:00+07:00'), value: 80 },
      { time: at('2026-11-23T14:02:00+07:00'), value: 90 },
    ]
    const [early, late] = splitByShift(readings, DEFAULT_SHIFT_PATTERN, 5 * MINUTE)
    const boundary = at('2026-11-23T14:00:00+07:00')
    expect(early!.readings).toEqual([readings[0], { time: boundary, value: 80 }])
    expect(late!.readings).toEqual([{ time: boundary, value: 80 }, readings[1]])
    expect([early!.samples, late!.samples]).toEqual([1, 1])
  })

  it('carries nothing across the boundary when the next reading is further than a value stands', () => {
    const readings = [
      { time: at('2026-11-23T13:50:00+07:00'), value: 80 },
      { time: at('2026-11-23T14:10:00+07:00'), value: 90 },
    ]
    const [early, late] = splitByShift(readings, DEFAULT_SHIFT_PATTERN, 5 * MINUTE)
    expect(early!.readings).toEqual([readings[0]])
    expect(late!.readings).toEqual([readings[1]])
  })

  it('does not duplicate a reading that falls on the boundary itself', () => {
    const readings = [
      { time: at('2026-11-23T13:59:00+07:00'), value: 80 },
      { time: at('2026-11-23T14:00:00+07:00'), value: 90 },
      { time: at('2026-11-23T14:01:00+07:00'), value: 90 },
    ]
    const [early, late] = splitByShift(readings, DEFAULT_SHIFT_PATTERN, 5 * MINUTE)
    expect(early!.readings).toEqual([readings[0], { time: readings[1]!.time, value: 80 }])
    expect(late!.readings).toEqual([readings[1], readings[2]])
  })

  it('ends a shift with the log’s last reading when it falls right on the boundary, opening no shift', () => {
    const readings = [
      { time: at('2026-11-23T13:00:00+07:00'), value: 80 },
      { time: at('2026-11-23T14:00:00+07:00'), value: 80 },
    ]
    expect(splitByShift(readings, DEFAULT_SHIFT_PATTERN, 5 * MINUTE)).toEqual([
      { start: at('2026-11-23T06:00:00+07:00'), end: readings[1]!.time, samples: 2, readings },
    ])
  })

  it('carries nothing into a shift that does not follow the previous one (a day without readings between)', () => {
    const readings = [
      { time: at('2026-11-23T13:00:00+07:00'), value: 80 },
      { time: at('2026-11-24T07:00:00+07:00'), value: 90 },
    ]
    const shifts = splitByShift(readings, DEFAULT_SHIFT_PATTERN, Number.MAX_SAFE_INTEGER)
    expect(shifts.map((s) => s.readings)).toEqual([[readings[0]], [readings[1]]])
  })
})
