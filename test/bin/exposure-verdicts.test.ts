import { describe, expect, it } from 'vitest'
import { logVerdicts } from '../../bin/exposure-verdicts.ts'
import type { ExposureVerdicts, JudgedFigure, Verdict } from '../../core/exposure/index.ts'

const basis = {
  measuredMs: 0,
  windowMs: 0,
  share: 0,
  longestGapMs: 0,
  calibration: 'unknown',
  faults: [],
} as const

function judged(verdict: Verdict, code = 'basis-sufficient'): JudgedFigure {
  return { verdict, reasons: [{ code: code as 'basis-sufficient', message: code }], basis }
}

const shift = (start: string, verdicts: ExposureVerdicts) => ({ start, verdicts })

describe('logVerdicts: the log over its shifts', () => {
  it('exceeds when any shift exceeds, with the reasons of the shifts that exceed', () => {
    const result = logVerdicts([
      shift('A', { twa: judged('within') }),
      shift('B', { twa: judged('exceeds', 'measured-exceedance') }),
      shift('C', { twa: judged('insufficient-data', 'share-below-minimum') }),
    ])
    expect(result.twa).toEqual({
      verdict: 'exceeds',
      reasons: [{ code: 'measured-exceedance', message: 'measured-exceedance', shift: 'B' }],
    })
  })

  it('is within only when every shift is within', () => {
    expect(
      logVerdicts([shift('A', { dose: judged('within') }), shift('B', { dose: judged('within') })]).dose,
    ).toMatchObject({ verdict: 'within', reasons: [{ shift: 'A' }, { shift: 'B' }] })
    expect(
      logVerdicts([shift('A', { dose: judged('within') }), shift('B', { dose: judged('insufficient-data') })])
        .dose?.verdict,
    ).toBe('insufficient-data')
  })

  it('judges each figure on the shifts that have it', () => {
    const result = logVerdicts([
      shift('A', { stel: judged('within') }),
      shift('B', { twa: judged('within') }),
    ])
    expect(Object.keys(result).sort()).toEqual(['stel', 'twa'])
    expect(result.stel?.reasons).toHaveLength(1)
  })

  it('has no verdicts without limits', () => {
    expect(logVerdicts([shift('A', {})])).toEqual({})
  })
})
