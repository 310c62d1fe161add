import { describe, expect, it } from 'vitest'
import { heatStressEstimate, MAX_PAIRING_GAP_MS, WbgtEstimator } from '../../../core/exposure/heat-stress.ts'

const fahrenheitToCelsius = (f: number) => (f - 32) / 1.8

describe('heatStressEstimate', () => {
  it('matches the NWS heat index table: 90 °F at 50 % RH feels like 95 °F', () => {
    const { heatIndexC } = heatStressEstimate(fahrenheitToCelsius(90), 50)
    expect(Math.abs(heatIndexC - fahrenheitToCelsius(95))).toBeLessThan(0.6)
  })

  it('uses the simple formula in mild air: 70 °F at 50 % RH stays near 70 °F', () => {
    expect(heatStressEstimate(fahrenheitToCelsius(70), 50).heatIndexC).toBeCloseTo(
      fahrenheitToCelsius(69.05),
      6,
    )
  })

  it('converts the heat index to a WBGT estimate with −0.0034·HI² + 0.96·HI − 34', () => {
    const { wbgtEstimateC } = heatStressEstimate(fahrenheitToCelsius(90), 50)
    expect(wbgtEstimateC).toBeGreaterThan(25)
    expect(wbgtEstimateC).toBeLessThan(27)
  })
})

describe('WbgtEstimator', () => {
  it('estimates once both temperature and humidity are known, from the latest of each', () => {
    const estimator = new WbgtEstimator()
    expect(estimator.observe('temperature', 0, 34)).toBeUndefined()
    expect(estimator.observe('humidity', 1000, 70)).toBeCloseTo(heatStressEstimate(34, 70).wbgtEstimateC, 12)
    expect(estimator.observe('temperature', 2000, 30)).toBeCloseTo(
      heatStressEstimate(30, 70).wbgtEstimateC,
      12,
    )
  })

  it('does not pair readings further apart than the pairing gap', () => {
    const estimator = new WbgtEstimator()
    estimator.observe('humidity', 0, 70)
    expect(estimator.observe('temperature', MAX_PAIRING_GAP_MS + 1, 34)).toBeUndefined()
    expect(estimator.observe('humidity', MAX_PAIRING_GAP_MS + 2, 70)).toBeDefined()
  })
})
