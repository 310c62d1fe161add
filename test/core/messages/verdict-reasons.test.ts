import { describe, expect, it } from 'vitest'
import { type Basis, REASON_CODES } from '../../../core/exposure/verdicts.ts'
import { LANGUAGES, reasonsWithTexts, reasonText } from '../../../core/messages/index.ts'

const basis: Basis = {
  measuredMs: 5 * 3_600_000,
  windowMs: 12 * 3_600_000,
  share: 5 / 12,
  longestGapMs: 1.5 * 3_600_000,
  calibration: 'in-date',
  faults: ['sensor-fault'],
}

describe("a verdict's reasons in words", () => {
  it('gives the figures of the basis in each language’s convention and units', () => {
    expect(reasonText('share-below-minimum', basis, 'vi')).toBe(
      'Số liệu phủ 41,7 % của 12 giờ: cần 87,5 % (OSHA: 7 trên 8 giờ)',
    )
    expect(reasonText('share-below-minimum', basis, 'en')).toBe(
      'Readings cover 41.7 % of 12 h: 87.5 % are needed (OSHA: 7 of 8 hours)',
    )
    expect(reasonText('gap-too-long', basis, 'vi')).toBe('Mất số liệu liên tục 1,5 giờ: tối đa 1 giờ')
    expect(reasonText('measured-below-minimum', { ...basis, measuredMs: 3.14 * 3_600_000 }, 'vi')).toBe(
      'Mới đo 3,14 giờ: cần ít nhất 2 giờ (EN 689)',
    )
  })

  it('has every reason code in both languages, with no placeholder left unfilled', () => {
    for (const language of LANGUAGES) {
      for (const code of REASON_CODES) expect(reasonText(code, basis, language)).not.toMatch(/[{}]/)
    }
  })

  it('adds both languages to each reason, keeping its code and message', () => {
    const [reason] = reasonsWithTexts(
      [{ code: 'sensor-fault', message: 'The sensor reports a fault' }],
      basis,
    )
    expect(reason).toEqual({
      code: 'sensor-fault',
      message: 'The sensor reports a fault',
      texts: { vi: 'Cảm biến đang báo lỗi (sensor-fault)', en: 'The sensor reports a fault (sensor-fault)' },
    })
  })
})
