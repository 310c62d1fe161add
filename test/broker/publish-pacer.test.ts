import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPublishPacer } from '../../broker/publish-pacer.ts'

describe('the publish pacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('lets a burst through at once, then releases the rest at the sustained rate, in order, dropping none', () => {
    let held = 0
    const pacer = createPublishPacer({ ratePerSecond: 10, burst: 3 }, () => held++)
    const released: number[] = []
    for (let i = 0; i < 8; i++) pacer.pace('s1', () => released.push(i))
    expect(released).toEqual([0, 1, 2])
    expect(held).toBe(5)
    expect(pacer.held()).toBe(5)
    vi.advanceTimersByTime(100)
    expect(released).toEqual([0, 1, 2, 3])
    vi.advanceTimersByTime(400)
    expect(released).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(pacer.held()).toBe(0)
  })

  it('keeps a publish behind those of its sensor already waiting, even when a token has come back', () => {
    const pacer = createPublishPacer({ ratePerSecond: 10, burst: 1 }, () => {})
    const released: string[] = []
    pacer.pace('s1', () => released.push('a'))
    pacer.pace('s1', () => released.push('b'))
    vi.setSystemTime(Date.now() + 250)
    pacer.pace('s1', () => released.push('c'))
    // 'c' found a token in the bucket, but 'b' came first: 'b' takes it.
    expect(released).toEqual(['a'])
    vi.advanceTimersByTime(100)
    expect(released).toEqual(['a', 'b'])
    vi.advanceTimersByTime(100)
    expect(released).toEqual(['a', 'b', 'c'])
  })

  it('slows only the sensor over its rate', () => {
    const pacer = createPublishPacer({ ratePerSecond: 1, burst: 1 }, () => {})
    const released: string[] = []
    for (let i = 0; i < 100; i++) pacer.pace('flooder', () => released.push('flooder'))
    pacer.pace('quiet', () => released.push('quiet'))
    expect(released).toEqual(['flooder', 'quiet'])
  })
})
