import { describe, expect, it } from 'vitest'
import { ExposureEvaluator } from '../../../core/exposure/evaluator.ts'
import {
  type Basis,
  exposureVerdicts,
  type FigureInput,
  hasTimeWeightedAverage,
  judgeFigure,
  SUFFICIENT_BASIS,
  windowBasis,
} from '../../../core/exposure/verdicts.ts'
import { limitsFor } from '../../../core/limits/index.ts'
import { HOUR, MINUTE, SHIFT_START, steady } from './readings.ts'

const SHIFT = 8 * HOUR

function basis(measuredMs: number, overrides: Partial<Basis> = {}): Basis {
  return {
    measuredMs,
    windowMs: SHIFT,
    share: measuredMs / SHIFT,
    longestGapMs: SHIFT - measuredMs,
    calibration: 'in-date',
    faults: [],
    ...overrides,
  }
}

const codes = (input: FigureInput) => judgeFigure(input).reasons.map((r) => r.code)

function summaryOf(factor: Parameters<typeof limitsFor>[1], readings: { time: number; value: number }[]) {
  const limits = limitsFor('qcvn', factor)
  const evaluator = new ExposureEvaluator({
    factor,
    shiftStart: SHIFT_START,
    noise: limits?.noise,
    hourMean: limits?.hourMean !== undefined,
  })
  for (const { time, value } of readings) evaluator.observe(time, value)
  return { summary: evaluator.summary(), limits }
}

describe('judgeFigure', () => {
  it('calls a so-far exceedance certain on any basis: unmeasured time counted as zero cannot undo it', () => {
    const verdict = judgeFigure({
      kind: 'so-far',
      value: 800,
      estimate: 3200,
      limit: 100,
      basis: basis(2 * HOUR),
    })
    expect(verdict.verdict).toBe('exceeds')
    expect(verdict.reasons[0]?.code).toBe('measured-exceedance')
    // Even 10 s measured, calibration lapsed: the lapse is said, the exceedance stands.
    const lapsed = judgeFigure({
      kind: 'so-far',
      value: 101,
      limit: 100,
      basis: basis(10_000, { calibration: 'lapsed' }),
    })
    expect(lapsed.verdict).toBe('exceeds')
    expect(lapsed.reasons.map((r) => r.code)).toEqual(['measured-exceedance', 'calibration-lapsed'])
  })

  it('never reads a so-far figure under its limit as within on a short basis', () => {
    const verdict = judgeFigure({
      kind: 'so-far',
      value: 3,
      estimate: 14,
      limit: 20,
      basis: basis(15 * MINUTE),
    })
    expect(verdict.verdict).toBe('insufficient-data')
    expect(verdict.reasons.map((r) => r.code)).toEqual([
      'measured-below-minimum',
      'gap-too-long',
      'share-below-minimum',
    ])
  })

  it('reads within only with 7/8 of the shift measured, no gap over an hour, calibration in date and no fault', () => {
    const full = basis(7 * HOUR, { longestGapMs: 30 * MINUTE })
    expect(judgeFigure({ kind: 'so-far', value: 15, estimate: 16, limit: 20, basis: full })).toMatchObject({
      verdict: 'within',
      reasons: [{ code: 'basis-sufficient' }],
    })
    const below = basis(7 * HOUR - 1, { longestGapMs: 30 * MINUTE })
    expect(codes({ kind: 'so-far', value: 15, estimate: 16, limit: 20, basis: below })).toEqual([
      'share-below-minimum',
    ])
    const gap = basis(7.5 * HOUR, { longestGapMs: HOUR + 1 })
    expect(codes({ kind: 'so-far', value: 15, limit: 20, basis: gap })).toEqual(['gap-too-long'])
    const lapsed = { ...full, calibration: 'lapsed' } as const
    expect(codes({ kind: 'so-far', value: 15, limit: 20, basis: lapsed })).toEqual(['calibration-lapsed'])
    const faulty = { ...full, faults: ['sensor-fault'] }
    expect(codes({ kind: 'so-far', value: 15, limit: 20, basis: faulty })).toEqual(['sensor-fault'])
  })

  it('judges a so-far figure under its limit by its projection once the basis is sufficient', () => {
    const full = basis(7.5 * HOUR, { longestGapMs: 0 })
    expect(judgeFigure({ kind: 'so-far', value: 19, estimate: 21, limit: 20, basis: full })).toMatchObject({
      verdict: 'exceeds',
      reasons: [{ code: 'projection-exceeds' }],
    })
  })

  it('projects an exceedance after 2 h measured (EN 689) but reads a projection within only at 7/8', () => {
    const twoHours = basis(2 * HOUR, { longestGapMs: 0, windowMs: SHIFT })
    expect(judgeFigure({ kind: 'projection', value: 30, limit: 20, basis: twoHours }).verdict).toBe('exceeds')
    expect(codes({ kind: 'projection', value: 10, limit: 20, basis: twoHours })).toEqual([
      'share-below-minimum',
    ])
    const short = basis(2 * HOUR - 1, { longestGapMs: 0 })
    expect(codes({ kind: 'projection', value: 30, limit: 20, basis: short })).toEqual([
      'measured-below-minimum',
    ])
    expect(codes({ kind: 'projection', value: undefined, limit: 20, basis: short })).toEqual(['no-value'])
  })

  it('gives a measured 15-min mean its verdict on its own window', () => {
    const stel = windowBasis(15 * MINUTE, 15 * MINUTE, { calibration: 'in-date' })
    expect(judgeFigure({ kind: 'measured', value: 41, limit: 40, basis: stel }).verdict).toBe('exceeds')
    expect(judgeFigure({ kind: 'measured', value: 39, limit: 40, basis: stel }).verdict).toBe('within')
    const half = windowBasis(8 * MINUTE, 15 * MINUTE)
    expect(judgeFigure({ kind: 'measured', value: 39, limit: 40, basis: half })).toMatchObject({
      verdict: 'insufficient-data',
      reasons: [{ code: 'share-below-minimum' }],
    })
  })

  it('judges a floor from below', () => {
    const elapsed = basis(HOUR, { windowMs: HOUR, share: 1, longestGapMs: 0 })
    const floor = { kind: 'measured', limit: 19.5, direction: 'below', basis: elapsed } as const
    expect(judgeFigure({ ...floor, value: 19 }).verdict).toBe('exceeds')
    expect(judgeFigure({ ...floor, value: 20.9 }).verdict).toBe('within')
  })

  it('refuses an unknown calibration only when the rules say so', () => {
    const unknown = basis(8 * HOUR, { longestGapMs: 0, calibration: 'unknown' })
    const input = { kind: 'so-far', value: 10, limit: 20, basis: unknown } as const
    expect(judgeFigure(input).verdict).toBe('within')
    const strict = { ...SUFFICIENT_BASIS, acceptUnknownCalibration: false }
    expect(judgeFigure(input, strict).reasons.map((r) => r.code)).toEqual(['calibration-unknown'])
  })

  it('writes each reason for a person too', () => {
    const verdict = judgeFigure({ kind: 'so-far', value: 3, limit: 20, basis: basis(HOUR) })
    expect(verdict.reasons.find((r) => r.code === 'share-below-minimum')?.message).toBe(
      'Readings cover 12.5 % of the time, less than the 87.5 % needed',
    )
  })
})

describe('exposureVerdicts', () => {
  it('calls a noise dose from 2 h at 100 dBA certain, whatever the rest of the shift holds', () => {
    // QCVN 24, 3 dB from 85 dBA: 100 dBA is allowed 15 min, so 2 h is 800 %.
    const { summary, limits } = summaryOf('noise', steady([[120, 100]]))
    expect(summary.dosePercent).toBeCloseTo(800, 6)
    const verdicts = exposureVerdicts(summary, limits, { calibration: 'in-date' })
    expect(verdicts.dose).toMatchObject({ verdict: 'exceeds', reasons: [{ code: 'measured-exceedance' }] })
    expect(verdicts.dose?.basis).toMatchObject({ measuredMs: 2 * HOUR, windowMs: SHIFT, share: 0.25 })
    expect(verdicts.lex8h?.verdict).toBe('exceeds')
    expect(verdicts.projectedDose?.verdict).toBe('exceeds')
    expect(verdicts.ceiling?.verdict).toBe('within')
  })

  it('gives a single spot reading of 121.5 dBA a ceiling exceedance and no dose verdict but insufficient data', () => {
    const { summary, limits } = summaryOf('noise', [{ time: SHIFT_START + 3 * HOUR, value: 121.5 }])
    const verdicts = exposureVerdicts(summary, limits)
    expect(verdicts.ceiling?.verdict).toBe('exceeds')
    for (const figure of ['dose', 'projectedDose', 'twa', 'projectedTwa', 'lex8h'] as const) {
      expect(verdicts[figure]?.verdict, figure).toBe('insufficient-data')
    }
  })

  it('reads a CO log with 3 % coverage as insufficient data, never within', () => {
    // Four readings over 8 h, each held 5 min: 15 min measured of 480.
    const readings = [0, 2, 4, 6].map((h) => ({ time: SHIFT_START + h * HOUR, value: 10 }))
    readings.push({ time: SHIFT_START + 8 * HOUR, value: 10 })
    const { summary, limits } = summaryOf('gas.co', readings)
    expect(summary.measurement.measuredMs / SHIFT).toBeLessThan(0.05)
    const verdicts = exposureVerdicts(summary, limits)
    expect(verdicts.twa?.verdict).toBe('insufficient-data')
    expect(verdicts.projectedTwa?.verdict).toBe('insufficient-data')
    expect(verdicts.twa?.reasons.map((r) => r.code)).toContain('share-below-minimum')
  })

  it('reads a full shift of CO under its limit as within', () => {
    const { summary, limits } = summaryOf('gas.co', steady([[480, 10]]))
    const verdicts = exposureVerdicts(summary, limits, { calibration: 'in-date' })
    expect(verdicts.twa?.verdict).toBe('within')
    expect(verdicts.projectedTwa?.verdict).toBe('within')
    expect(verdicts.stel?.verdict).toBe('within')
  })

  it('judges no TWA of a temperature: the ceiling only', () => {
    const { summary } = summaryOf('temperature', steady([[300, 34.3]]))
    const limits = limitsFor('qcvn', 'temperature', 'light-work')
    const verdicts = exposureVerdicts(summary, limits)
    expect(verdicts.twa).toBeUndefined()
    expect(verdicts.ceiling?.verdict).toBe('exceeds')
    expect(hasTimeWeightedAverage('temperature')).toBe(false)
    expect(hasTimeWeightedAverage('gas.co')).toBe(true)
  })

  it('keeps the WBGT 1-h mean and judges it on its hour', () => {
    const { summary, limits } = summaryOf('wbgt', steady([[90, 27]]))
    const verdicts = exposureVerdicts(summary, limits)
    expect(verdicts.twa).toBeUndefined()
    expect(verdicts.hourMean).toMatchObject({ verdict: 'within', basis: { windowMs: HOUR } })
  })

  it('has nothing to judge without limits', () => {
    const { summary } = summaryOf('gas.lel', steady([[10, 1]]))
    expect(exposureVerdicts(summary, undefined)).toEqual({})
  })
})
