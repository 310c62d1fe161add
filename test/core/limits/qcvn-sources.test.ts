import { describe, expect, it } from 'vitest'
import { limitsFor, PROFILES, resolveLimits } from '../../../core/limits/index.ts'

// What the QCVN profile holds, and what it leaves out until a citable copy of the row is found
// (core/limits/README.md, "Still to source").
describe('qcvn profile sources', () => {
  it('cites each QCVN 03:2019 gas by its row', () => {
    const rows = { 'gas.co': 14, 'gas.nh3': 5, 'gas.co2': 12, 'gas.cl2': 16 } as const
    for (const [factor, row] of Object.entries(rows) as [keyof typeof rows, number][]) {
      const limits = limitsFor('qcvn', factor)
      expect(limits?.twa?.source).toMatch(new RegExp(`^QCVN 03:2019/BYT, Table 1, row ${row}, `))
      expect(limits?.stel?.source).toBe(limits?.twa?.source)
    }
  })

  it('keeps the QCVN 03:2019 values in mg/m³: CO 20 / 40, NH₃ 17 / 25, CO₂ 9000 / 18000, Cl₂ 1.5 / 3', () => {
    const mgPerM3 = (factor: 'gas.co' | 'gas.nh3' | 'gas.co2' | 'gas.cl2') => {
      const limits = PROFILES.qcvn.factors[factor]
      return [limits.twa.value, limits.stel.value, limits.twa.unit]
    }
    expect(mgPerM3('gas.co')).toEqual([20, 40, 'mg/m³'])
    expect(mgPerM3('gas.nh3')).toEqual([17, 25, 'mg/m³'])
    expect(mgPerM3('gas.co2')).toEqual([9000, 18000, 'mg/m³'])
    expect(mgPerM3('gas.cl2')).toEqual([1.5, 3, 'mg/m³'])
  })

  it('sets no QCVN limit for H₂S, SO₂ or NO₂ until their rows are sourced', () => {
    for (const factor of ['gas.h2s', 'gas.so2', 'gas.no2'] as const) {
      expect(limitsFor('qcvn', factor), factor).toBeUndefined()
    }
  })

  it('sets no default dust limit: a dusty zone chooses a variant', () => {
    expect(limitsFor('qcvn', 'dust.total')).toBeUndefined()
    expect(limitsFor('qcvn', 'dust.respirable')).toBeUndefined()
    const coal = resolveLimits('qcvn', 'dust.respirable', [{ variant: 'coal-dust' }])
    expect(coal?.twa?.value).toBe(2)
    expect(coal?.twa?.source).toMatch(/^QCVN 02:2019\/BYT, coal dust/)
    expect(resolveLimits('qcvn', 'dust.total', [{ variant: 'coal-dust' }])).toBeUndefined()
  })
})
