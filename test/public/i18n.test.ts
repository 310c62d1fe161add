import { describe, expect, it } from 'vitest'
import { useFactorCatalogue } from '../../api/public/js/factors.js'
import { createTranslator, STRINGS } from '../../api/public/js/i18n.js'

describe('the page catalogue', () => {
  it('has every key in both Vietnamese and English', () => {
    const vi = Object.keys(STRINGS.vi).sort()
    const en = Object.keys(STRINGS.en).sort()
    expect(vi.filter((key) => !en.includes(key))).toEqual([])
    expect(en.filter((key) => !vi.includes(key))).toEqual([])
  })

  it('fills placeholders and leaves an unknown one visible', () => {
    const tr = createTranslator('en')
    expect(tr.t('updated', { time: '10:00' })).toBe('Updated 10:00')
    expect(tr.t('updated')).toBe('Updated {time}')
  })

  it('shows a key missing from the catalogue as itself, never blank', () => {
    expect(createTranslator('vi').t('no.such.key')).toBe('no.such.key')
  })

  it('writes numbers in the language’s convention', () => {
    expect(createTranslator('vi').number(1234.5, 1)).toBe('1.234,5')
    expect(createTranslator('en').number(1234.5, 1)).toBe('1,234.5')
  })

  it('writes a calendar day in the language’s order, and leaves anything else as given', () => {
    expect(createTranslator('vi').date('2025-05-02')).toBe('02/05/2025')
    expect(createTranslator('en').date('2025-05-02')).toBe('02/05/2025')
    expect(createTranslator('en').date('soon')).toBe('soon')
  })

  it('names factors as the factor catalogue the page loaded says, else by the fallback, else by the id', () => {
    // One factor as GET /api/v1/factors gives it (test/api/routes/factors.test.ts).
    useFactorCatalogue({
      factors: [
        {
          id: 'noise',
          labels: { en: 'Noise level', vi: 'Tiếng ồn' },
          unit: 'dBA',
          sensor: true,
          monitoring: true,
        },
      ],
      resolutionReasons: [],
    })
    expect(createTranslator('vi').factorLabel('noise', 'Noise level')).toBe('Tiếng ồn')
    expect(createTranslator('en').factorLabel('noise')).toBe('Noise level')
    expect(createTranslator('en').factorLabel('gas.unknown', 'From the API')).toBe('From the API')
    expect(createTranslator('vi').factorLabel('gas.unknown')).toBe('gas.unknown')
  })
})
