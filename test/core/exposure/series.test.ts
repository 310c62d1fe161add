import { describe, expect, it } from 'vitest'
import { ExposureEvaluator } from '../../../core/exposure/evaluator.ts'
import { evaluateSeries } from '../../../core/exposure/series.ts'
import { exposureSignals, faultSignal, offlineSignal } from '../../../core/exposure/signals.ts'
import { limitsFor, resolveLimits } from '../../../core/limits/index.ts'
import { MINUTE, SHIFT_START, steady } from './readings.ts'

describe('evaluateSeries', () => {
  it('reports one STEL exceedance for a CO peak under QCVN 03, escalated from warning to alarm', () => {
    // QCVN 03 STEL 40 mg/m³ = 40 · 24.45 / 28.01 = 34.92 ppm; the peak's 15-min mean reaches 60 ppm.
    const { summary, exceedances } = evaluateSeries(
      steady([
        [120, 5],
        [15, 60],
        [345, 5],
      ]),
      { factor: 'gas.co', limits: limitsFor('qcvn', 'gas.co') },
    )
    expect(summary.maxStel).toBeCloseTo(60, 9)
    const stel = exceedances.filter((e) => e.kind === 'stel')
    expect(stel).toHaveLength(1)
    expect(stel[0]).toMatchObject({ level: 'alarm', unit: 'ppm', worst: 60 })
    expect(stel[0]?.limit).toBeCloseTo(34.916, 3)
    expect(stel[0]?.to).toBeDefined()
    expect(exceedances.filter((e) => e.kind === 'twa')).toEqual([])
  })

  it('reports the gap of a silent sensor as sensor-offline', () => {
    const readings = [...steady([[30, 5]]), ...steady([[30, 5]], SHIFT_START + 90 * MINUTE)]
    const { exceedances } = evaluateSeries(readings, {
      factor: 'gas.co',
      limits: limitsFor('qcvn', 'gas.co'),
    })
    expect(exceedances).toMatchObject([{ kind: 'sensor-offline', level: 'warning', worst: 60, limit: 5 }])
  })

  it('clears a temperature alarm 1 °C inside the QCVN 26 band, not at a share of it', () => {
    // 20 min at 35 °C (over 34), then 31 °C: under 90 % of 34 °C (30.6) it would never clear, at 33 it does.
    const { exceedances } = evaluateSeries(
      steady([
        [20, 35],
        [20, 31],
        [20, 15],
        [20, 21],
      ]),
      { factor: 'temperature', limits: limitsFor('qcvn', 'temperature', 'light-work') },
    )
    expect(exceedances.map((e) => [e.kind, e.level, e.limit, e.to !== undefined])).toEqual([
      ['ceiling', 'alarm', 34, true],
      ['ceiling', 'alarm', 20, true],
    ])
  })

  it('rejects an empty series', () => {
    expect(() => evaluateSeries([], { factor: 'noise', limits: undefined })).toThrow(/no readings/)
  })
})

describe('exposureSignals', () => {
  it('warns at the OSHA action level from the 80-dBA dose and alarms from the 90-dBA dose', () => {
    const limits = resolveLimits('osha', 'noise')!
    const evaluator = new ExposureEvaluator({ factor: 'noise', shiftStart: SHIFT_START, noise: limits.noise })
    for (const { time, value } of steady([[480, 86]])) evaluator.observe(time, value)
    const dose = exposureSignals(evaluator.summary(), limits).find((s) => s.kind === 'dose')
    expect(dose?.levels.warning?.value).toBeCloseTo(100 * 2 ** (-4 / 5), 9)
    expect(dose?.levels.warning?.limit).toBeCloseTo(50, 9)
    expect(dose?.levels.alarm?.value).toBe(0)
  })

  it('skips projections until 2 h are measured (EN 689) and while the sensor reports a fault', () => {
    const limits = limitsFor('osha', 'gas.co')!
    const evaluator = new ExposureEvaluator({ factor: 'gas.co', shiftStart: SHIFT_START })
    for (const { time, value } of steady([[119, 40]])) evaluator.observe(time, value)
    expect(exposureSignals(evaluator.summary(), limits).map((s) => s.kind)).toEqual(['twa'])
    for (const { time, value } of steady([[2, 40]], SHIFT_START + 119 * MINUTE))
      evaluator.observe(time, value)
    const signals = exposureSignals(evaluator.summary(), limits)
    expect(signals.map((s) => s.kind)).toEqual(['twa', 'projected'])
    expect(signals[1]?.levels.warning).toMatchObject({ value: 40, limit: 50 })
    const faulty = exposureSignals(evaluator.summary(), limits, { condition: { faults: ['sensor-fault'] } })
    expect(faulty.map((s) => s.kind)).toEqual(['twa'])
  })

  it('measures a sensor’s silence in minutes and any out-of-range share as a fault', () => {
    expect(offlineSignal(0, 7 * MINUTE, 5 * MINUTE).levels.warning).toMatchObject({ value: 7, limit: 5 })
    expect(faultSignal(0.1).levels.alarm).toMatchObject({ value: 10, limit: 0 })
  })
})
