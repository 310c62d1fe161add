import { describe, expect, it } from 'vitest'
import { ExposureEvaluator, type ExposureOptions } from '../../../core/exposure/evaluator.ts'
import { HOUR, MINUTE, SHIFT_START, steady } from './readings.ts'

const CO: ExposureOptions = { factor: 'gas.co', shiftStart: SHIFT_START }

function feed(evaluator: ExposureEvaluator, readings: readonly { time: number; value: number }[]) {
  for (const { time, value } of readings) evaluator.observe(time, value)
  return evaluator
}

describe('ExposureEvaluator', () => {
  it('weights irregular readings by the real time to the next one', () => {
    // 10 ppm for 1 min, 30 for 3, 20 for 4: 180 ppm·min over 8 min → mean 22.5 ppm, 8-h TWA 180 / 480.
    const evaluator = feed(new ExposureEvaluator(CO), [
      { time: SHIFT_START, value: 10 },
      { time: SHIFT_START + MINUTE, value: 30 },
      { time: SHIFT_START + 4 * MINUTE, value: 20 },
      { time: SHIFT_START + 8 * MINUTE, value: 0 },
    ])
    const summary = evaluator.summary()
    expect(summary.mean).toBeCloseTo(22.5, 9)
    expect(summary.twa).toBeCloseTo(0.375, 9)
    expect(summary.coverage).toBe(1)
  })

  it('counts a gap as zero in the TWA so far and at the mean only in the projection: the last value stands 5 min', () => {
    // 60 min at 10, silence 60→120 (10 held to 65), 60 min at 20: 650 + 1200 = 1850 ppm·min over 125 measured.
    const readings = [...steady([[60, 10]]), ...steady([[60, 20]], SHIFT_START + 2 * HOUR)]
    const summary = feed(new ExposureEvaluator(CO), readings).summary()
    expect(summary.measuredHours * 60).toBeCloseTo(125, 9)
    expect(summary.elapsedHours * 60).toBeCloseTo(180, 9)
    expect(summary.coverage).toBeCloseTo(125 / 180, 9)
    expect(summary.mean).toBeCloseTo(14.8, 9)
    // What was certainly received: 1850 ppm·min / 480 min; the projection fills the shift at the mean.
    expect(summary.twa).toBeCloseTo(1850 / 480, 9)
    expect(summary.projectedTwa).toBeCloseTo(14.8, 9)
    expect(summary.measurement).toMatchObject({ measuredMs: 125 * MINUTE, longestGapMs: 55 * MINUTE })
  })

  it('counts the time before the first reading as unmeasured: a gap in the basis, zero in the TWA so far', () => {
    // The sensor starts 3 h into the shift and reads 30 ppm for 1 h: 1800 ppm·min / 480 = 3.75 ppm so far.
    const summary = feed(new ExposureEvaluator(CO), steady([[60, 30]], SHIFT_START + 3 * HOUR)).summary()
    expect(summary.twa).toBeCloseTo(3.75, 9)
    expect(summary.projectedTwa).toBeCloseTo(30, 9)
    expect(summary.coverage).toBeCloseTo(1 / 4, 9)
    expect(summary.measurement).toMatchObject({
      elapsedMs: 4 * HOUR,
      longestGapMs: 3 * HOUR,
      shiftMs: 8 * HOUR,
    })
  })

  it('gives no TWA of a temperature or a humidity: a time-weighted average of an interval scale means nothing', () => {
    for (const factor of ['temperature', 'humidity'] as const) {
      const summary = feed(
        new ExposureEvaluator({ factor, shiftStart: SHIFT_START }),
        steady([[300, 34.3]]),
      ).summary()
      expect(summary.mean).toBeCloseTo(34.3, 9)
      expect(summary.twa).toBeUndefined()
      expect(summary.projectedTwa).toBeUndefined()
    }
  })

  it('finds a CO STEL peak in an otherwise clean shift', () => {
    // 8 h at 5 ppm but 15 min at 60: TWA (465 · 5 + 15 · 60) / 480 = 6.71875, highest 15-min mean 60.
    const summary = feed(
      new ExposureEvaluator(CO),
      steady([
        [120, 5],
        [15, 60],
        [345, 5],
      ]),
    ).summary()
    expect(summary.twa).toBeCloseTo(6.71875, 9)
    expect(summary.maxStel).toBeCloseTo(60, 9)
    expect(summary.maxStelAt).toBe(SHIFT_START + 135 * MINUTE)
    expect(summary.stel).toBeCloseTo(5, 9)
    expect(summary.max).toBe(60)
  })

  it('counts a reading with a timestamp already seen once, and ignores older ones', () => {
    const evaluator = new ExposureEvaluator(CO)
    expect(evaluator.observe(SHIFT_START, 10)).toBe('accepted')
    expect(evaluator.observe(SHIFT_START + MINUTE, 10)).toBe('accepted')
    expect(evaluator.observe(SHIFT_START + MINUTE, 500)).toBe('duplicate')
    expect(evaluator.observe(SHIFT_START + 30_000, 500)).toBe('out-of-order')
    expect(evaluator.observe(SHIFT_START - MINUTE, 500)).toBe('before-shift')
    expect(evaluator.observe(SHIFT_START + 2 * MINUTE, 10)).toBe('accepted')
    const summary = evaluator.summary()
    expect(summary.mean).toBe(10)
    expect(summary.samples).toBe(3)
    expect(summary.duplicates).toBe(1)
    expect(summary.outOfOrder).toBe(1)
  })

  it('has no STEL before 15 minutes of the shift were measured', () => {
    const summary = feed(new ExposureEvaluator(CO), steady([[10, 50]])).summary()
    expect(summary.maxStel).toBeUndefined()
  })

  it('keeps the TWA where it was when its state is saved and restored mid-shift', () => {
    const readings = steady([
      [200, 12],
      [30, 80],
      [250, 3],
    ])
    const uninterrupted = feed(new ExposureEvaluator(CO), readings).summary()
    const before = feed(new ExposureEvaluator(CO), readings.slice(0, 215))
    const saved = JSON.parse(JSON.stringify(before))
    const restored = feed(ExposureEvaluator.fromJSON(saved, CO), readings.slice(215))
    expect(restored.summary()).toEqual(uninterrupted)
  })

  it('refuses state saved for another factor or shift', () => {
    const saved = new ExposureEvaluator(CO).toJSON()
    expect(() => ExposureEvaluator.fromJSON(saved, { ...CO, factor: 'gas.nh3' })).toThrow(
      /restored as gas.nh3/,
    )
  })

  describe('with a 1-hour mean (heat stress, ISO 7243)', () => {
    const WBGT: ExposureOptions = { factor: 'wbgt', shiftStart: SHIFT_START, hourMean: true }

    it('averages the last hour by real time: 30 min at 26 °C then 30 min at 30 °C is 28 °C', () => {
      const summary = feed(
        new ExposureEvaluator(WBGT),
        steady([
          [120, 20],
          [30, 26],
          [30, 30],
        ]),
      ).summary()
      expect(summary.hourMean).toBeCloseTo(28, 9)
      expect(summary.maxHourMean).toBeCloseTo(28, 9)
      expect(summary.stel).toBeCloseTo(30, 9)
    })

    it('keeps the highest hour of the shift and when it ended', () => {
      const summary = feed(
        new ExposureEvaluator(WBGT),
        steady([
          [60, 20],
          [60, 31],
          [60, 24],
        ]),
      ).summary()
      expect(summary.maxHourMean).toBeCloseTo(31, 9)
      expect(summary.maxHourMeanAt).toBe(SHIFT_START + 120 * MINUTE)
      expect(summary.hourMean).toBeCloseTo(24, 9)
    })

    it('has no hour mean with less than half an hour measured, and none at all without the option', () => {
      expect(feed(new ExposureEvaluator(WBGT), steady([[20, 30]])).summary().hourMean).toBeUndefined()
      expect(feed(new ExposureEvaluator(CO), steady([[90, 30]])).summary().hourMean).toBeUndefined()
    })

    it('restores the hour window with the rest of its state', () => {
      const readings = steady([
        [50, 27],
        [50, 31],
      ])
      const uninterrupted = feed(new ExposureEvaluator(WBGT), readings).summary()
      const saved = JSON.parse(JSON.stringify(feed(new ExposureEvaluator(WBGT), readings.slice(0, 70))))
      expect(feed(ExposureEvaluator.fromJSON(saved, WBGT), readings.slice(70)).summary()).toEqual(
        uninterrupted,
      )
    })
  })
})
