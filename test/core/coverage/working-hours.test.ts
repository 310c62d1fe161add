import { describe, expect, it } from 'vitest'
import {
  HOUR_MS,
  hourOccurrences,
  shiftIntervals,
  weightedHours,
  workingWeights,
} from '../../../core/coverage/working-hours.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../../core/shifts.ts'

const VN = 420
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

describe('shiftIntervals', () => {
  it('gives each shift its planned hours when the next one starts later', () => {
    expect(shiftIntervals({ starts: ['07:00'], utcOffsetMinutes: VN }, 8)).toEqual([[420, 900]])
  })

  it('ends a shift where the next one starts', () => {
    expect(shiftIntervals({ starts: ['13:00', '07:00'], utcOffsetMinutes: VN }, 8)).toEqual([
      [420, 780],
      [780, 1260],
    ])
  })

  it('lets the last shift run past midnight, up to the first start of the next day', () => {
    expect(shiftIntervals(DEFAULT_SHIFT_PATTERN, 8)).toEqual([
      [360, 840],
      [840, 1320],
      [1320, 1800],
    ])
    expect(shiftIntervals({ starts: ['22:00', '02:00'], utcOffsetMinutes: VN }, 8)).toEqual([
      [120, 600],
      [1320, 1560],
    ])
  })

  it('runs a shift up to 12 h long until the next one starts, as ingest plans it', () => {
    expect(shiftIntervals({ starts: ['07:30', '19:30'], utcOffsetMinutes: VN }, 8)).toEqual([
      [450, 1170],
      [1170, 1890],
    ])
    expect(sum(workingWeights({ starts: ['07:30', '19:30'], utcOffsetMinutes: VN }, 8))).toBe(24)
    // 13 h to the next start is more than a planned shift (the pattern does not say when work stops): 8 h;
    // the night shift's 11 h run to the morning start.
    expect(shiftIntervals({ starts: ['06:00', '19:00'], utcOffsetMinutes: VN }, 8)).toEqual([
      [360, 840],
      [1140, 1800],
    ])
  })

  it('ignores a start given twice', () => {
    expect(shiftIntervals({ starts: ['07:00', '07:00'], utcOffsetMinutes: VN }, 8)).toEqual([[420, 900]])
  })

  it('refuses shift lengths outside (0, 24] hours and malformed starts', () => {
    expect(() => shiftIntervals(DEFAULT_SHIFT_PATTERN, 0)).toThrow(RangeError)
    expect(() => shiftIntervals(DEFAULT_SHIFT_PATTERN, 25)).toThrow(RangeError)
    expect(() => shiftIntervals({ starts: ['7:00'], utcOffsetMinutes: VN }, 8)).toThrow(/HH:MM/)
    expect(() => shiftIntervals({ starts: [], utcOffsetMinutes: VN }, 8)).toThrow(/at least one/)
  })
})

describe('workingWeights', () => {
  it('makes all 24 hours working time for three 8-hour shifts', () => {
    expect(workingWeights(DEFAULT_SHIFT_PATTERN, 8)).toEqual(new Array(24).fill(1))
  })

  it('puts a 07:00–15:00 shift in Vietnam at 00:00–08:00 UTC', () => {
    const weights = workingWeights({ starts: ['07:00'], utcOffsetMinutes: VN }, 8)
    expect(weights).toEqual([1, 1, 1, 1, 1, 1, 1, 1, ...new Array(16).fill(0)])
  })

  it('weighs the hours a shift only partly covers by the minutes it covers', () => {
    const weights = workingWeights({ starts: ['07:30'], utcOffsetMinutes: VN }, 8)
    expect(weights[0]).toBe(0.5)
    expect(weights.slice(1, 8)).toEqual(new Array(7).fill(1))
    expect(weights[8]).toBe(0.5)
    expect(sum(weights)).toBe(8)
  })

  it('wraps working time across midnight UTC', () => {
    const weights = workingWeights({ starts: ['05:00'], utcOffsetMinutes: VN }, 8) // 22:00–06:00 UTC
    expect(weights[22]).toBe(1)
    expect(weights[23]).toBe(1)
    expect(weights[5]).toBe(1)
    expect(weights[6]).toBe(0)
    expect(sum(weights)).toBe(8)
  })

  it('follows offsets that are not whole hours', () => {
    const weights = workingWeights({ starts: ['09:00'], utcOffsetMinutes: 330 }, 1) // 03:30–04:30 UTC
    expect(weights[3]).toBe(0.5)
    expect(weights[4]).toBe(0.5)
    expect(sum(weights)).toBe(1)
  })
})

describe('hourOccurrences', () => {
  const day = Date.parse('2025-03-01T00:00:00Z')

  it('counts every hour of the day once per day', () => {
    expect(hourOccurrences(day, day + 3 * 24 * HOUR_MS)).toEqual(new Array(24).fill(3))
  })

  it('counts the remainder from the first hour on', () => {
    const occurrences = hourOccurrences(day + 22 * HOUR_MS, day + 27 * HOUR_MS) // 22, 23, 0, 1, 2
    expect(occurrences.filter((n) => n === 1)).toHaveLength(5)
    expect([occurrences[22], occurrences[23], occurrences[0], occurrences[2], occurrences[3]]).toEqual([
      1, 1, 1, 1, 0,
    ])
  })

  it('counts the hours that start inside the window', () => {
    expect(sum(hourOccurrences(day + 1, day + HOUR_MS))).toBe(0)
    expect(sum(hourOccurrences(day, day + 1))).toBe(1)
    expect(sum(hourOccurrences(day, day))).toBe(0)
  })

  it('makes 8 760 hours of 2025', () => {
    const from = Date.parse('2025-01-01T00:00:00+07:00')
    const to = Date.parse('2026-01-01T00:00:00+07:00')
    expect(hourOccurrences(from, to)).toEqual(new Array(24).fill(365))
  })
})

describe('weightedHours', () => {
  it('is the sum of weight × hours', () => {
    expect(weightedHours([1, 0.5, ...new Array(22).fill(0)], [10, 10, ...new Array(22).fill(7)])).toBe(15)
  })
})
