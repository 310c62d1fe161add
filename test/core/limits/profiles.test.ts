import { describe, expect, it } from 'vitest'
import { FACTOR_IDS, FACTORS } from '../../../core/factors.ts'
import {
  DEFAULT_PROFILE,
  isProfileId,
  limitsFor,
  PROFILE_IDS,
  PROFILES,
  resolveLimits,
  variantsOf,
} from '../../../core/limits/index.ts'
import { mgPerCubicMetreToPpm, ppmToMgPerCubicMetre } from '../../../core/units.ts'

describe('limit profiles', () => {
  it('offer qcvn, osha, niosh and eu, qcvn by default', () => {
    expect(PROFILE_IDS).toEqual(['qcvn', 'osha', 'niosh', 'eu'])
    expect(DEFAULT_PROFILE).toBe('qcvn')
    expect(isProfileId('osha')).toBe(true)
    expect(isProfileId('toString')).toBe(false)
  })

  it('resolve every factor of every profile and variant to canonical units with a source', () => {
    for (const profile of PROFILE_IDS) {
      for (const variant of [undefined, ...variantsOf(profile)]) {
        for (const factor of FACTOR_IDS) {
          const limits = resolveLimits(profile, factor, variant === undefined ? [] : [{ variant }])
          for (const [kind, threshold] of Object.entries(limits ?? {})) {
            if (kind === 'noise') continue
            const { value, source } = threshold as { value: number; source: string }
            expect(Number.isFinite(value), `${profile} ${factor} ${kind}`).toBe(true)
            expect(source.length).toBeGreaterThan(5)
          }
        }
      }
    }
  })

  it('convert QCVN 03 mg/m³ to ppm: CO 20 mg/m³ is 17.46 ppm', () => {
    expect(limitsFor('qcvn', 'gas.co')?.twa?.value).toBeCloseTo((20 * 24.45) / 28.01, 9)
    expect(limitsFor('qcvn', 'gas.co')?.stel?.source).toBe(
      'QCVN 03:2019/BYT, Table 1, row 14, carbon monoxide',
    )
  })

  it('round-trip ppm ↔ mg/m³ for every gas with a molecular weight', () => {
    for (const factor of FACTOR_IDS) {
      const mw = (FACTORS[factor] as { molecularWeight?: number }).molecularWeight
      if (mw === undefined) continue
      for (const ppm of [0.016, 1, 35, 5000]) {
        expect(mgPerCubicMetreToPpm(ppmToMgPerCubicMetre(ppm, mw), mw)).toBeCloseTo(ppm, 9)
      }
    }
  })

  it('give noise its criterion level as the 8-h TWA and keep QCVN 24’s 115 dBA maximum', () => {
    const qcvn = limitsFor('qcvn', 'noise')
    expect(qcvn?.twa?.value).toBe(85)
    expect(qcvn?.ceiling?.value).toBe(115)
    expect(qcvn?.noise?.exchangeRate.value).toBe(3)
    expect(qcvn?.noise?.threshold).toBeUndefined()
    const osha = limitsFor('osha', 'noise')?.noise
    expect([osha?.criterionLevel.value, osha?.exchangeRate.value, osha?.threshold?.value]).toEqual([
      90, 5, 90,
    ])
    expect([osha?.actionLevel?.value, osha?.actionThreshold?.value]).toEqual([85, 80])
    expect(limitsFor('eu', 'noise')?.twa?.value).toBe(87)
    expect(limitsFor('niosh', 'noise')?.noise?.criterionLevel.value).toBe(85)
  })

  it('list the factor limits every profile borrows for oxygen and flammable gas', () => {
    for (const profile of PROFILE_IDS) expect(limitsFor(profile, 'gas.o2')?.floor?.value).toBe(19.5)
  })

  it('leave out what is not sourced: no QCVN limit for H₂S', () => {
    expect(limitsFor('qcvn', 'gas.h2s')).toBeUndefined()
    expect(PROFILES.qcvn.factors).not.toHaveProperty('gas.h2s')
  })
})

describe('resolveLimits', () => {
  it('applies a QCVN 24 Table 2 workplace variant: an office allows 65 dBA', () => {
    const office = resolveLimits('qcvn', 'noise', [{ variant: 'office' }])
    expect(office?.twa).toEqual({ value: 65, source: 'QCVN 24:2016/BYT, Table 2, administrative rooms' })
    expect(office?.noise?.criterionLevel.value).toBe(65)
    expect(office?.ceiling?.value).toBe(115)
    expect(resolveLimits('qcvn', 'noise', [{ variant: 'intellectual' }])?.twa?.value).toBe(55)
  })

  it('applies a zone override, then a sensor override, each replacing only the kinds it sets', () => {
    const limits = resolveLimits('qcvn', 'temperature', [
      { variant: 'heavy-work' },
      {
        factors: {
          temperature: { ceiling: { value: 28, unit: '°C', source: 'site risk assessment 2026-03' } },
        },
      },
    ])
    expect(limits?.ceiling).toEqual({ value: 28, source: 'site risk assessment 2026-03' })
    expect(limits?.floor?.value).toBe(16)
  })

  it('converts an override given in another unit', () => {
    const limits = resolveLimits('osha', 'gas.co', [
      { factors: { 'gas.co': { stel: { value: 100, unit: 'mg/m³', source: 'client contract' } } } },
    ])
    expect(limits?.stel?.value).toBeCloseTo((100 * 24.45) / 28.01, 9)
    expect(limits?.twa?.value).toBe(50)
  })

  it('judge heat stress by ISO 7243 in every profile: light work by default, QCVN 26 work classes by variant', () => {
    for (const profile of PROFILE_IDS) {
      const wbgt = limitsFor(profile, 'wbgt')
      expect(wbgt?.hourMean?.value, profile).toBe(30)
      expect(wbgt?.hourMeanAction?.value, profile).toBe(29)
    }
    expect(limitsFor('qcvn', 'wbgt', 'medium-work')?.hourMean?.value).toBe(28)
    const heavy = limitsFor('qcvn', 'wbgt', 'heavy-work')
    expect([heavy?.hourMean?.value, heavy?.hourMeanAction?.value]).toEqual([25, 22])
    expect(heavy?.hourMean?.source).toBe(
      'ISO 7243:1989, Annex A, Table A.1, metabolic rate class 3 (high metabolic rate, no sensible air movement), taken for QCVN 26 heavy work, acclimatised',
    )
  })

  it('fails loudly on a variant the profile does not have', () => {
    expect(() => resolveLimits('osha', 'noise', [{ variant: 'office' }])).toThrow(/no variant "office"/)
  })
})
