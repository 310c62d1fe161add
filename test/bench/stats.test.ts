import { describe, expect, it } from 'vitest'
import { formatBytes, formatCount, percentile, perSecond, summarize } from '../../bench/lib/stats.ts'

describe('percentile', () => {
  it('interpolates between the closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5)
    expect(percentile([10, 20, 30, 40, 50], 90)).toBe(46)
  })

  it('gives the extremes at 0 and 100', () => {
    expect(percentile([3, 5, 9], 0)).toBe(3)
    expect(percentile([3, 5, 9], 100)).toBe(9)
  })

  it('gives the only sample for any percentile of one', () => {
    expect(percentile([7], 99)).toBe(7)
  })

  it('is NaN without samples and refuses a percentile outside 0…100', () => {
    expect(percentile([], 50)).toBeNaN()
    expect(() => percentile([1], 101)).toThrow(RangeError)
  })
})

describe('summarize', () => {
  it('sorts the samples itself and reports count, extremes, mean and percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(summarize(samples)).toMatchObject({ count: 100, min: 1, max: 100, mean: 50.5, p50: 50.5 })
    expect(summarize(samples).p99).toBeCloseTo(99.01, 5)
  })

  it('leaves the caller’s array as it was', () => {
    const samples = [3, 1, 2]
    summarize(samples)
    expect(samples).toEqual([3, 1, 2])
  })

  it('reports NaN figures, not zeros, for no samples', () => {
    expect(summarize([])).toMatchObject({ count: 0, min: Number.NaN, p50: Number.NaN, mean: Number.NaN })
  })
})

describe('rates and formatting', () => {
  it('turns a count over milliseconds into a rate per second, 0 for an empty interval', () => {
    expect(perSecond(500, 250)).toBe(2000)
    expect(perSecond(5, 0)).toBe(0)
  })

  it('groups thousands and shows a dash for what was not measured', () => {
    expect(formatCount(1234567.4)).toBe('1 234 567')
    expect(formatCount(Number.NaN)).toBe('–')
  })

  it('scales bytes to the largest whole unit', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(10 * 1024)).toBe('10.0 KB')
    expect(formatBytes(3.5 * 1024 * 1024)).toBe('3.5 MB')
  })
})
