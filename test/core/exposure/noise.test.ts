import { describe, expect, it } from 'vitest'
import { ExposureEvaluator } from '../../../core/exposure/evaluator.ts'
import { allowedMs, doseLevel, levelToDosePercent, lex8h } from '../../../core/exposure/noise.ts'
import { type ProfileId, resolveLimits } from '../../../core/limits/index.ts'
import { QCVN_24_TABLE_1 } from '../../../core/limits/qcvn.ts'
import { HOUR, MINUTE, SHIFT_START, steady } from './readings.ts'

function noiseRule(profile: ProfileId) {
  const rule = resolveLimits(profile, 'noise')?.noise
  if (rule === undefined) throw new Error(`${profile} has no noise rule`)
  return rule
}

function evaluate(profile: ProfileId, segments: readonly (readonly [number, number])[]) {
  const evaluator = new ExposureEvaluator({
    factor: 'noise',
    shiftStart: SHIFT_START,
    noise: noiseRule(profile),
  })
  for (const { time, value } of steady(segments)) evaluator.observe(time, value)
  return evaluator.summary()
}

describe('noise dose', () => {
  it('gives OSHA 100 % for 4 h at 90, 2 h at 95 and 2 h at 85 dBA, the 85 dBA staying below the PEL threshold', () => {
    // C/T: 4/8 + 2/4 + (85 < 90: not counted) = 1.0; action-level dose adds 2/16 from 80 dBA up.
    const summary = evaluate('osha', [
      [240, 90],
      [120, 95],
      [120, 85],
    ])
    expect(summary.dosePercent).toBeCloseTo(100, 9)
    expect(summary.actionDosePercent).toBeCloseTo(112.5, 9)
    expect(summary.actionDoseLimitPercent).toBeCloseTo(50, 9)
    // TWA = 16.61 · log10(D / 100) + 90
    expect(summary.twa).toBeCloseTo(90, 9)
  })

  it('follows QCVN 24 equal energy: 4 h at 88 and 4 h at 82 dBA give 125 % and LEX,8h 85.96 dBA', () => {
    // 4/8 · 2^(3/3) + 4/8 · 2^(−3/3) = 1 + 0.25; LEX = 10 · log10((10^8.8 + 10^8.2) / 2) = 85.963
    const summary = evaluate('qcvn', [
      [240, 88],
      [240, 82],
    ])
    expect(summary.dosePercent).toBeCloseTo(125, 9)
    expect(summary.lex8h).toBeCloseTo(85.963, 3)
    expect(summary.mean).toBeCloseTo(85.963, 3)
  })

  it.each(['qcvn', 'osha', 'niosh', 'eu'] as const)(
    'gives exactly 100 %% under %s for a constant level at the criterion for 8 h',
    (profile) => {
      const criterion = noiseRule(profile).criterionLevel.value
      const summary = evaluate(profile, [[480, criterion]])
      expect(summary.dosePercent).toBeCloseTo(100, 9)
      expect(summary.lex8h).toBeCloseTo(criterion, 9)
      expect(summary.twa).toBeCloseTo(criterion, 9)
    },
  )

  it('doubles a level’s share of the dose when the time at it doubles', () => {
    const once = evaluate('qcvn', [
      [60, 94],
      [420, 40],
    ])
    const twice = evaluate('qcvn', [
      [120, 94],
      [360, 40],
    ])
    const quiet = (minutes: number) => 100 * (minutes / 480) * 2 ** ((40 - 85) / 3)
    expect((twice.dosePercent ?? 0) - quiet(360)).toBeCloseTo(2 * ((once.dosePercent ?? 0) - quiet(420)), 9)
  })

  it('projects the 8-h dose from the dose rate so far', () => {
    const summary = evaluate('qcvn', [[120, 88]])
    expect(summary.dosePercent).toBeCloseTo(50, 9)
    expect(summary.projectedDosePercent).toBeCloseTo(200, 9)
    expect(summary.projectedLex8h).toBeCloseTo(88, 9)
    expect(summary.lex8h).toBeCloseTo(88 + 10 * Math.log10(2 / 8), 9)
  })

  it('reports the highest 15-minute LAeq of the shift', () => {
    const summary = evaluate('qcvn', [
      [60, 80],
      [15, 100],
      [60, 80],
    ])
    expect(summary.maxStel).toBeCloseTo(100, 9)
  })

  it('reproduces QCVN 24 Table 1 from the 3-dB rule, within the table’s rounding of short durations', () => {
    const rule = noiseRule('qcvn')
    for (const { minutes, laeq } of QCVN_24_TABLE_1) {
      const exact = allowedMs(laeq, rule) / MINUTE
      if (minutes >= 15) expect(exact).toBeCloseTo(minutes, 9)
      else expect(Math.abs(exact - minutes)).toBeLessThan(1)
    }
  })

  it('reads OSHA’s 85 dBA action level as a 50 % dose and 100 % as 90 dBA', () => {
    const rule = noiseRule('osha')
    expect(levelToDosePercent(85, rule)).toBeCloseTo(50, 9)
    expect(doseLevel(100, rule)).toBeCloseTo(90, 9)
    expect(doseLevel(0, rule)).toBeUndefined()
  })

  it('computes LEX,8h from LAeq over the exposure time', () => {
    expect(lex8h(88, 4 * HOUR)).toBeCloseTo(88 - 10 * Math.log10(2), 9)
  })
})
