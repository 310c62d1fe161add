import { describe, expect, it } from 'vitest'
import { createRandom, deriveSeed } from '../../simulators/random.ts'

describe('createRandom', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed)
      return Array.from({ length: 5 }, () => random.next())
    }
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
  })

  it('stays within its ranges', () => {
    const random = createRandom(1)
    const uniforms = Array.from({ length: 10_000 }, () => random.next())
    expect(Math.min(...uniforms)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...uniforms)).toBeLessThan(1)
    const integers = new Set(Array.from({ length: 1_000 }, () => random.integer(3, 5)))
    expect(integers).toEqual(new Set([3, 4, 5]))
  })

  it('draws normal deviates with mean 0 and standard deviation 1', () => {
    const random = createRandom(7)
    const samples = Array.from({ length: 50_000 }, () => random.gaussian())
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length
    const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(Math.abs(variance - 1)).toBeLessThan(0.03)
  })

  it('refuses to pick from an empty list', () => {
    expect(() => createRandom(1).pick([])).toThrow(RangeError)
  })
})

describe('deriveSeed', () => {
  it('gives each name its own stable seed', () => {
    expect(deriveSeed(1, 'fac-001/fac-001-s01')).toBe(deriveSeed(1, 'fac-001/fac-001-s01'))
    expect(deriveSeed(1, 'fac-001/fac-001-s01')).not.toBe(deriveSeed(1, 'fac-001/fac-001-s02'))
    expect(deriveSeed(1, 'fac-001/fac-001-s01')).not.toBe(deriveSeed(2, 'fac-001/fac-001-s01'))
  })
})
