import { describe, expect, it } from 'vitest'
import {
  DEFAULT_SHIFT_PATTERN,
  shiftEndAt,
  shiftPatternProblem,
  shiftStartAt,
  shiftsOfDay,
  shiftWindowAt,
} from '../../core/shifts.ts'

describe('shiftStartAt', () => {
  it.each([
    ['2026-11-23T07:30:00+07:00', '2026-11-23T06:00:00+07:00'],
    ['2026-11-23T06:00:00+07:00', '2026-11-23T06:00:00+07:00'],
    ['2026-11-23T13:59:59+07:00', '2026-11-23T06:00:00+07:00'],
    ['2026-11-23T14:00:00+07:00', '2026-11-23T14:00:00+07:00'],
    ['2026-11-23T23:10:00+07:00', '2026-11-23T22:00:00+07:00'],
    ['2026-11-24T03:00:00+07:00', '2026-11-23T22:00:00+07:00'],
  ])('puts %s in the shift that started at %s (three shifts from 06:00, UTC+7)', (time, start) => {
    expect(new Date(shiftStartAt(Date.parse(time), DEFAULT_SHIFT_PATTERN))).toEqual(new Date(start))
  })

  it('handles a single day shift and a negative UTC offset', () => {
    const pattern = { starts: ['08:00'], utcOffsetMinutes: -300 }
    expect(new Date(shiftStartAt(Date.parse('2026-11-23T07:00:00-05:00'), pattern))).toEqual(
      new Date('2026-11-22T08:00:00-05:00'),
    )
  })

  it.each([
    ['2026-11-23T07:30:00+07:00', '2026-11-23T14:00:00+07:00'],
    ['2026-11-23T06:00:00+07:00', '2026-11-23T14:00:00+07:00'],
    ['2026-11-23T23:10:00+07:00', '2026-11-24T06:00:00+07:00'],
  ])('ends the shift containing %s at %s', (time, end) => {
    expect(new Date(shiftEndAt(Date.parse(time), DEFAULT_SHIFT_PATTERN))).toEqual(new Date(end))
  })
})

const TWELVE_HOURS = { starts: ['07:30', '19:30'], utcOffsetMinutes: 420 }
const at = (local: string) => Date.parse(`${local}+07:00`)

describe('shiftPatternProblem', () => {
  it('accepts starts in increasing order and an offset from UTC−12:00 to UTC+14:00', () => {
    expect(shiftPatternProblem(TWELVE_HOURS)).toBeUndefined()
    expect(shiftPatternProblem({ starts: ['08:00'], utcOffsetMinutes: -720 })).toBeUndefined()
    expect(shiftPatternProblem({ starts: ['00:00', '23:59'], utcOffsetMinutes: 840 })).toBeUndefined()
  })

  it.each([
    [{ starts: [], utcOffsetMinutes: 420 }, /at least one start/],
    [{ starts: ['7:30'], utcOffsetMinutes: 420 }, /"7:30" is not a local time HH:MM/],
    [{ starts: ['24:00'], utcOffsetMinutes: 420 }, /HH:MM/],
    [{ starts: ['19:30', '07:30'], utcOffsetMinutes: 420 }, /increasing order/],
    [{ starts: ['07:30', '07:30'], utcOffsetMinutes: 420 }, /each once/],
    [{ starts: ['07:30'], utcOffsetMinutes: 900 }, /utcOffsetMinutes: 900/],
    [{ starts: ['07:30'], utcOffsetMinutes: -721 }, /-720 \(UTC−12:00\)/],
    [{ starts: ['07:30'], utcOffsetMinutes: 420.5 }, /whole number/],
  ])('refuses %j, naming the field', (pattern, problem) => {
    expect(shiftPatternProblem(pattern)).toMatch(problem)
  })
})

describe('shiftsOfDay', () => {
  it('derives each shift from consecutive starts: 12-hour shifts from 07:30 end at 19:30', () => {
    expect(shiftsOfDay(TWELVE_HOURS)).toEqual([
      { start: '07:30', end: '19:30', hours: 12 },
      { start: '19:30', end: '07:30', hours: 12 },
    ])
    expect(shiftsOfDay(DEFAULT_SHIFT_PATTERN).map((s) => s.hours)).toEqual([8, 8, 8])
  })

  it('plans a shift longer than 12 hours (one start a day) as 8 hours', () => {
    expect(shiftsOfDay({ starts: ['07:00'], utcOffsetMinutes: 420 })).toEqual([
      { start: '07:00', end: '15:00', hours: 8 },
    ])
    expect(shiftsOfDay({ starts: ['06:00', '20:00'], utcOffsetMinutes: 420 })).toEqual([
      { start: '06:00', end: '14:00', hours: 8 },
      { start: '20:00', end: '06:00', hours: 10 },
    ])
  })
})

describe('shiftWindowAt', () => {
  it('puts 19:00 in the 07:30 shift of a 12-hour pattern at UTC+7, and 19:30 in the next', () => {
    expect(shiftWindowAt(at('2026-11-30T19:00:00'), TWELVE_HOURS)).toEqual({
      start: Date.parse('2026-11-30T00:30:00Z'),
      end: Date.parse('2026-11-30T12:30:00Z'),
      hours: 12,
      utcOffsetMinutes: 420,
    })
    expect(shiftWindowAt(at('2026-11-30T19:30:00'), TWELVE_HOURS)).toMatchObject({
      start: at('2026-11-30T19:30:00'),
      end: at('2026-12-01T07:30:00'),
      hours: 12,
    })
  })

  it('keeps the shift in progress when the pattern changes, and applies the new one from the next shift', () => {
    const current = shiftWindowAt(at('2026-11-30T20:00:00'), TWELVE_HOURS)
    const eightHours = { starts: ['07:30', '15:30', '23:30'], utcOffsetMinutes: 420 }
    // 23:40 is in the new pattern's 23:30 shift, but the 19:30 shift is still in progress.
    expect(shiftWindowAt(at('2026-11-30T23:40:00'), eightHours, current)).toBe(current)
    expect(shiftWindowAt(at('2026-12-01T07:40:00'), eightHours, current)).toMatchObject({
      start: at('2026-12-01T07:30:00'),
      end: at('2026-12-01T15:30:00'),
      hours: 8,
    })
  })

  it('starts the first shift of a new pattern where the old one ended, so no reading counts twice', () => {
    const current = shiftWindowAt(at('2026-11-30T10:00:00'), DEFAULT_SHIFT_PATTERN)
    expect(current).toMatchObject({ start: at('2026-11-30T06:00:00'), end: at('2026-11-30T14:00:00') })
    expect(shiftWindowAt(at('2026-11-30T15:00:00'), TWELVE_HOURS, current)).toMatchObject({
      start: at('2026-11-30T14:00:00'),
      end: at('2026-11-30T19:30:00'),
      hours: 5.5,
    })
  })

  it('ends an earlier shift of a late reading where the shift in progress began', () => {
    const current = shiftWindowAt(at('2026-11-30T15:00:00'), TWELVE_HOURS, {
      start: at('2026-11-30T06:00:00'),
      end: at('2026-11-30T14:00:00'),
      hours: 8,
      utcOffsetMinutes: 420,
    })
    expect(shiftWindowAt(at('2026-11-30T12:00:00'), TWELVE_HOURS, current)).toMatchObject({
      start: at('2026-11-30T07:30:00'),
      end: at('2026-11-30T14:00:00'),
    })
  })
})
