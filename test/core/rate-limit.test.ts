import { describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../core/rate-limit.ts'

describe('the per-sensor rate limiter', () => {
  it('lets a burst through, then refuses until tokens come back at the sustained rate', () => {
    const limit = createRateLimiter({ ratePerSecond: 10, burst: 5 })
    const t0 = 1_000_000
    const first = Array.from({ length: 8 }, () => limit.take('s1', t0))
    expect(first).toEqual([true, true, true, true, true, false, false, false])
    expect(limit.take('s1', t0 + 99)).toBe(false)
    expect(limit.take('s1', t0 + 100)).toBe(true)
    expect(limit.take('s1', t0 + 100)).toBe(false)
    // A long pause refills to the burst, never beyond.
    const later = Array.from({ length: 7 }, () => limit.take('s1', t0 + 60_000))
    expect(later.filter(Boolean)).toHaveLength(5)
  })

  it('keeps one sensor’s flood from spending another sensor’s tokens', () => {
    const limit = createRateLimiter({ ratePerSecond: 1, burst: 2 })
    for (let i = 0; i < 1000; i++) limit.take('flooder', 0)
    expect(limit.take('quiet', 0)).toBe(true)
    expect(limit.take('quiet', 0)).toBe(true)
  })

  it('stays within its key limit however many ids a flood invents', () => {
    const limit = createRateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 100 })
    for (let i = 0; i < 10_000; i++) limit.take(`invented-${i}`, 0)
    expect(limit.size()).toBeLessThanOrEqual(100)
  })

  it('says how long until a token comes back', () => {
    const limit = createRateLimiter({ ratePerSecond: 10, burst: 2 })
    expect(limit.waitMs('s1', 0)).toBe(0)
    limit.take('s1', 0)
    limit.take('s1', 0)
    expect(limit.waitMs('s1', 0)).toBe(100)
    expect(limit.waitMs('s1', 40)).toBe(60)
    expect(limit.take('s1', 99)).toBe(false)
    expect(limit.waitMs('s1', 100)).toBe(0)
    expect(limit.take('s1', 100)).toBe(true)
  })

  it('refuses a configuration that would let nothing through', () => {
    expect(() => createRateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError)
    expect(() => createRateLimiter({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError)
  })
})
