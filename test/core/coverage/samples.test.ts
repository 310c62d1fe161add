import { describe, expect, it } from 'vitest'
import { countSamples, judgeHour } from '../../../core/coverage/samples.ts'
import { limitsFor } from '../../../core/limits/index.ts'

const at = (local: string) => Date.parse(`${local}+07:00`)
const ONE_SHIFT = { starts: ['07:00'], utcOffsetMinutes: 420 }
const noise = limitsFor('qcvn', 'noise')
const temperature = limitsFor('qcvn', 'temperature')

describe('judgeHour', () => {
  it.each([
    [{ mean: 84.9, max: 100 }, 'within'],
    [{ mean: 85.1, max: 90 }, 'fails'], // over QCVN 24's 85 dBA for 8 h
    [{ mean: 76, max: 116 }, 'fails'], // a peak over the 115 dBA ceiling
  ] as const)('judges noise %j as %s', (hour, verdict) => {
    expect(judgeHour(hour, noise)).toBe(verdict)
  })

  it('judges a range: temperature under its floor or over its bound fails', () => {
    expect(judgeHour({ mean: 25, max: 30 }, temperature)).toBe('within')
    expect(judgeHour({ mean: 15, max: 15.5 }, temperature)).toBe('fails')
    expect(judgeHour({ mean: 33, max: 34.5 }, temperature)).toBe('fails')
  })

  it('does not judge a factor without limits', () => {
    expect(judgeHour({ mean: 9, max: 20 }, limitsFor('qcvn', 'dust.total'))).toBe('unjudged')
    expect(judgeHour({ mean: 9, max: 20 }, undefined)).toBe('unjudged')
  })
})

describe('countSamples', () => {
  const hours = [
    { time: at('2025-03-03T06:00:00'), mean: 90, max: 90, count: 4 }, // before the 07:00 shift
    { time: at('2025-03-03T07:00:00'), mean: 80, max: 82, count: 60 },
    { time: at('2025-03-03T08:00:00'), mean: 90, max: 92, count: 60 },
    { time: at('2025-03-03T14:00:00'), mean: 80, max: 82, count: 1 }, // last hour of the shift
    { time: at('2025-03-03T15:00:00'), mean: 99, max: 99, count: 60 }, // after it
    { time: at('2025-03-04T07:00:00'), mean: 99, max: 99, count: 60 }, // after calibration fell due
  ]

  it('counts working hours with readings, in calibration, and those over the limit', () => {
    const count = countSamples({
      hours,
      shifts: ONE_SHIFT,
      shiftHours: 8,
      calibrationDue: at('2025-03-04T00:00:00'),
      calibrationGraceDays: 0,
      limits: noise,
    })
    expect(count).toEqual({ samples: 3, failing: 1, unjudged: 0 })
  })

  it('lets the grace days extend a lapsed calibration', () => {
    const count = countSamples({
      hours,
      shifts: ONE_SHIFT,
      shiftHours: 8,
      calibrationDue: at('2025-03-04T00:00:00'),
      calibrationGraceDays: 1,
      limits: noise,
    })
    expect(count).toEqual({ samples: 4, failing: 2, unjudged: 0 })
  })

  it('counts samples of a factor without a limit as unjudged', () => {
    const count = countSamples({
      hours: hours.slice(1, 3),
      shifts: ONE_SHIFT,
      shiftHours: 8,
      calibrationGraceDays: 0,
      limits: undefined,
    })
    expect(count).toEqual({ samples: 2, failing: 0, unjudged: 2 })
  })
})
