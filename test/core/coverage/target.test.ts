import { describe, expect, it } from 'vitest'
import { judgeGrowth, targetPercent } from '../../../core/coverage/target.ts'

describe('targetPercent', () => {
  it('is the annual target for a year', () => {
    expect(targetPercent(12, 5)).toBe(5)
  })

  it('compounds to the annual target over the quarters or months of a year', () => {
    expect(targetPercent(3, 5)).toBeCloseTo(1.2272234, 6)
    expect(targetPercent(1, 5)).toBeCloseTo(0.4074124, 6)
    expect((1 + targetPercent(3, 5) / 100) ** 4).toBeCloseTo(1.05, 9)
    expect((1 + targetPercent(1, 5) / 100) ** 12).toBeCloseTo(1.05, 9)
  })

  it('is zero for a zero target', () => {
    expect(targetPercent(3, 0)).toBe(0)
  })
})

describe('judgeGrowth', () => {
  it('is on track at exactly +5 %, without binary rounding demanding one more facility', () => {
    expect(judgeGrowth({ previous: 20, monitored: 21, hazardous: 100, targetPercent: 5 })).toEqual({
      growthPercent: 5,
      targetPercent: 5,
      onTrack: true,
      verdict: 'on-track',
      requiredFacilities: 21,
      facilitiesNeededForTarget: 0,
    })
  })

  it('is behind below the target and says how many more facilities it needs', () => {
    expect(judgeGrowth({ previous: 40, monitored: 41, hazardous: 100, targetPercent: 5 })).toMatchObject({
      growthPercent: 2.5,
      onTrack: false,
      verdict: 'behind',
      requiredFacilities: 42,
      facilitiesNeededForTarget: 1,
    })
  })

  it('rounds the required count up: 3 × 1.05 = 3.15 needs 4', () => {
    expect(judgeGrowth({ previous: 3, monitored: 3, hazardous: 7, targetPercent: 5 })).toMatchObject({
      growthPercent: 0,
      requiredFacilities: 4,
      facilitiesNeededForTarget: 1,
    })
  })

  it('is behind when monitoring fell', () => {
    expect(judgeGrowth({ previous: 2, monitored: 1, hazardous: 4, targetPercent: 5 })).toMatchObject({
      growthPercent: -50,
      onTrack: false,
      facilitiesNeededForTarget: 2,
    })
  })

  it('has no growth figure from zero, and is met by one monitored facility', () => {
    expect(judgeGrowth({ previous: 0, monitored: 1, hazardous: 2, targetPercent: 5 })).toMatchObject({
      growthPercent: null,
      onTrack: true,
      verdict: 'on-track',
      requiredFacilities: 1,
    })
    expect(judgeGrowth({ previous: 0, monitored: 0, hazardous: 2, targetPercent: 5 })).toMatchObject({
      growthPercent: null,
      onTrack: false,
      facilitiesNeededForTarget: 1,
    })
  })

  it('is on track when every hazardous facility is monitored, as such a base cannot grow', () => {
    expect(judgeGrowth({ previous: 10, monitored: 10, hazardous: 10, targetPercent: 5 })).toMatchObject({
      growthPercent: 0,
      onTrack: true,
      verdict: 'all-monitored',
      facilitiesNeededForTarget: 0,
    })
  })

  it('caps the facilities needed at the base', () => {
    expect(judgeGrowth({ previous: 10, monitored: 9, hazardous: 10, targetPercent: 5 })).toMatchObject({
      requiredFacilities: 11,
      facilitiesNeededForTarget: 1,
    })
  })

  it('judges nothing without hazardous facilities', () => {
    expect(judgeGrowth({ previous: 0, monitored: 0, hazardous: 0, targetPercent: 5 })).toMatchObject({
      onTrack: null,
      verdict: 'no-hazardous-facilities',
      facilitiesNeededForTarget: 0,
    })
  })
})
