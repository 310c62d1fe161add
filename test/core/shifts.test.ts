import { describe, expect, it } from 'vitest'
import { DEFAULT_SHIFT_PATTERN, shiftEndAt, shiftStartAt } from '../../core/shifts.ts'

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
