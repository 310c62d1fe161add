import { describe, expect, it } from 'vitest'
import { intervalFor } from '../../api/public/js/history-interval.js'

const HOUR = 3_600_000

describe('the interval of a history chart', () => {
  it.each([
    ['1 hour', HOUR, '10s', 360],
    ['a 12-hour shift', 12 * HOUR, '2m', 360],
    ['24 hours', 24 * HOUR, '5m', 288],
    ['7 days', 7 * 24 * HOUR, '30m', 336],
    ['a year', 365 * 24 * HOUR, '1d', 365],
  ])('takes for %s the finest interval under 400 points', (_range, span, name, points) => {
    const interval = intervalFor(span)
    expect(interval.name).toBe(name)
    expect(span / interval.ms).toBe(points)
  })

  it('stays at a day for longer ranges, which the API bounds at 10,000 intervals', () => {
    expect(intervalFor(5 * 365 * 24 * HOUR).name).toBe('1d')
  })
})
