import { describe, expect, it } from 'vitest'
import {
  assessCommissioning,
  type CommissioningProgress,
  type CommissioningSensor,
  MAX_GAP_INTERVALS,
  NO_PROGRESS,
  OBSERVATION_MS,
  observeReading,
} from '../../core/commissioning.ts'
import type { FactorId } from '../../core/factors.ts'

const DAY = 86_400_000
const t0 = Date.parse('2026-11-23T08:00:00+07:00')
const now = t0 + 2 * OBSERVATION_MS
const meter: CommissioningSensor = {
  factors: ['noise'],
  reportingIntervalS: 60,
  calibratedAt: t0 - 30 * DAY,
  calibrationDue: t0 + 300 * DAY,
}

/** Readings of `factors` every `stepS` seconds from `from`, `count` of them. */
function readings(
  progress: CommissioningProgress,
  options: { from: number; stepS: number; count: number; factors?: FactorId[]; intervalS?: number },
): CommissioningProgress {
  let next = progress
  for (let i = 0; i < options.count; i++) {
    for (const factor of options.factors ?? ['noise'])
      next = observeReading(next, factor, options.from + i * options.stepS * 1000, options.intervalS ?? 60)
  }
  return next
}

const item = (progress: CommissioningProgress, name: string, sensor = meter, at = now) =>
  assessCommissioning(sensor, progress, at).checklist.find((entry) => entry.item === name)!

describe('assessCommissioning', () => {
  it('lists the four items in order, none met for a sensor that never reported', () => {
    const result = assessCommissioning({ ...meter, calibratedAt: undefined }, NO_PROGRESS, now)
    expect(result.checklist.map((entry) => [entry.item, entry.met])).toEqual([
      ['first-reading', false],
      ['factors-reporting', false],
      ['calibration', false],
      ['reporting-interval', false],
    ])
    expect(result.state).toBe('commissioning')
    expect(result.complete).toBe(false)
    expect(result.missingFactors).toEqual(['noise'])
  })

  it('meets the first reading at the earliest valid reading, even one that came late', () => {
    const progress = observeReading(observeReading(NO_PROGRESS, 'noise', t0 + 5000, 60), 'noise', t0, 60)
    expect(progress.firstReadingAt).toBe(t0)
    expect(item(progress, 'first-reading')).toMatchObject({
      met: true,
      detail: expect.stringContaining('2026-11-23T01:00:00'),
    })
  })

  it('waits for every registered factor, naming the ones still silent', () => {
    const gas: CommissioningSensor = { ...meter, factors: ['gas.co', 'gas.h2s', 'gas.o2'] }
    const progress = readings(NO_PROGRESS, { from: t0, stepS: 60, count: 3, factors: ['gas.co'] })
    expect(item(progress, 'factors-reporting', gas)).toEqual({
      item: 'factors-reporting',
      met: false,
      detail: 'no valid reading yet of gas.h2s, gas.o2',
    })
    const all = readings(progress, {
      from: t0 + 180_000,
      stepS: 60,
      count: 1,
      factors: ['gas.h2s', 'gas.o2'],
    })
    expect(item(all, 'factors-reporting', gas).met).toBe(true)
    expect(assessCommissioning(gas, all, now).missingFactors).toEqual([])
  })

  it('asks a factor added to the sensor later to report too', () => {
    const progress = readings(NO_PROGRESS, { from: t0, stepS: 60, count: 2 })
    expect(item(progress, 'factors-reporting', { ...meter, factors: ['noise', 'wbgt'] })).toMatchObject({
      met: false,
      detail: 'no valid reading yet of wbgt',
    })
  })

  describe('calibration', () => {
    it('is met with both dates registered and the due date not passed', () => {
      expect(item(NO_PROGRESS, 'calibration')).toEqual({
        item: 'calibration',
        met: true,
        detail: 'calibrated on 2026-10-24, due 2027-09-19',
      })
    })
    it('is met on the due date itself, not after it', () => {
      const due = meter.calibrationDue!
      expect(item(NO_PROGRESS, 'calibration', meter, due).met).toBe(true)
      expect(item(NO_PROGRESS, 'calibration', meter, due + 1)).toMatchObject({
        met: false,
        detail: 'calibration fell due on 2027-09-19',
      })
    })
    it('names the date missing', () => {
      expect(item(NO_PROGRESS, 'calibration', { ...meter, calibrationDue: undefined }).detail).toBe(
        'calibrationDue not registered',
      )
      expect(item(NO_PROGRESS, 'calibration', { ...meter, calibratedAt: undefined }).detail).toBe(
        'calibratedAt not registered',
      )
      expect(
        item(NO_PROGRESS, 'calibration', { ...meter, calibratedAt: undefined, calibrationDue: undefined })
          .detail,
      ).toBe('calibratedAt and calibrationDue not registered')
    })
    it('refuses a calibration in the future', () => {
      expect(item(NO_PROGRESS, 'calibration', { ...meter, calibratedAt: now + DAY })).toMatchObject({
        met: false,
        detail: expect.stringContaining('in the future'),
      })
    })
  })

  describe('reporting interval', () => {
    it('is met after an hour of readings at the interval, not a minute before', () => {
      const almost = readings(NO_PROGRESS, { from: t0, stepS: 60, count: 60 }) // 0 … 59 min
      expect(item(almost, 'reporting-interval')).toEqual({
        item: 'reporting-interval',
        met: false,
        detail: 'reported every 60 s for 59 of 60 min',
      })
      const hour = observeReading(almost, 'noise', t0 + OBSERVATION_MS, 60)
      expect(item(hour, 'reporting-interval')).toMatchObject({
        met: true,
        detail: 'reported every 60 s for 60 min',
      })
    })

    it('takes jitter up to 1.5 intervals, and starts again after a longer gap', () => {
      const limit = 60_000 * MAX_GAP_INTERVALS
      const jittery = observeReading(observeReading(NO_PROGRESS, 'noise', t0, 60), 'noise', t0 + limit, 60)
      expect(jittery.runStart).toBe(t0)
      const broken = observeReading(jittery, 'noise', t0 + 2 * limit + 1, 60)
      expect(broken.runStart).toBe(t0 + 2 * limit + 1)
      expect(assessCommissioning(meter, broken, now).observedMs).toBe(0)
    })

    it('is not fooled by a late reading from a buffer', () => {
      const run = readings(NO_PROGRESS, { from: t0, stepS: 60, count: 30 })
      const late = observeReading(run, 'noise', t0 + 60_000, 60)
      expect(late.runStart).toBe(t0)
      expect(late.lastReadingAt).toBe(run.lastReadingAt)
    })

    it('starts again when the registered interval changes, and judges against the current one', () => {
      const hour = readings(NO_PROGRESS, { from: t0, stepS: 60, count: 61 })
      expect(item(hour, 'reporting-interval').met).toBe(true)
      expect(item(hour, 'reporting-interval', { ...meter, reportingIntervalS: 30 }).met).toBe(false)
      const next = observeReading(hour, 'noise', t0 + OBSERVATION_MS + 30_000, 30)
      expect(next.runStart).toBe(t0 + OBSERVATION_MS + 30_000)
      expect(next.runIntervalS).toBe(30)
    })

    it('stays met once an hour was kept, whatever gap comes after', () => {
      const hour = readings(NO_PROGRESS, { from: t0, stepS: 60, count: 61 })
      const later = observeReading(hour, 'noise', t0 + 3 * OBSERVATION_MS, 60)
      expect(later.runStart).toBe(t0 + 3 * OBSERVATION_MS)
      expect(item(later, 'reporting-interval').met).toBe(true)
      expect(assessCommissioning(meter, later, now).observedMs).toBe(OBSERVATION_MS)
    })

    it('counts readings of several factors in one message as one report', () => {
      const gas: CommissioningSensor = { ...meter, factors: ['gas.co', 'gas.o2'] }
      const run = readings(NO_PROGRESS, { from: t0, stepS: 60, count: 61, factors: ['gas.co', 'gas.o2'] })
      expect(assessCommissioning(gas, run, now).observedMs).toBe(OBSERVATION_MS)
    })

    it('does not accept readings slower than the interval', () => {
      const slow = readings(NO_PROGRESS, { from: t0, stepS: 120, count: 40 })
      expect(item(slow, 'reporting-interval').met).toBe(false)
    })
  })

  it('is complete when every item is met; the state follows the recorded commissioning', () => {
    const run = readings(NO_PROGRESS, { from: t0, stepS: 60, count: 61 })
    const result = assessCommissioning(meter, run, now)
    expect(result.complete).toBe(true)
    expect(result.state).toBe('commissioning')
    expect(assessCommissioning(meter, { ...run, commissionedAt: now }, now).state).toBe('commissioned')
  })

  it('stays commissioned when the calibration lapses later', () => {
    const later = meter.calibrationDue! + DAY
    const result = assessCommissioning(meter, { ...NO_PROGRESS, commissionedAt: t0 }, later)
    expect(result.state).toBe('commissioned')
    expect(result.complete).toBe(false)
  })
})
