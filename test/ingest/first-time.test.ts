import { describe, expect, it } from 'vitest'
import { firstTimeOf } from '../../ingest/first-time.ts'

describe('firstTimeOf', () => {
  it('answers true for a key once, then false, whatever other keys come between', () => {
    const firstTime = firstTimeOf(10)
    expect([firstTime('json\u0000t/1'), firstTime('json\u0000t/2'), firstTime('json\u0000t/1')]).toEqual([
      true,
      true,
      false,
    ])
  })

  it('forgets every key once it holds `max` of them, so new topics cannot grow it without bound', () => {
    const firstTime = firstTimeOf(2)
    firstTime('a')
    firstTime('b')
    expect(firstTime('a')).toBe(false)
    expect(firstTime('c')).toBe(true)
    expect(firstTime('a')).toBe(true)
  })
})
