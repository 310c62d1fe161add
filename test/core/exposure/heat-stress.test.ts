import { describe, expect, it } from 'vitest'
import { heatStressEstimate } from '../../../core/exposure/heat-stress.ts'

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
