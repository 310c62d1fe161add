import { describe, expect, it } from 'vitest'
import { assess, assessHourMean, digitsFor, statusOf } from '../../api/public/js/gauge.js'

const limit = (value: number) => ({ value, source: 'test' })

describe('the gauge of a tile', () => {
  it('colours below 50 % green, below 100 % amber and from 100 % red', () => {
    expect([statusOf(0), statusOf(49.9), statusOf(50), statusOf(99.9), statusOf(100)]).toEqual([
      'ok',
      'ok',
      'near',
      'near',
      'over',
    ])
  })

  it('judges an estimated WBGT by its 1-h mean: over from the limit, near from the action value, no percentage', () => {
    const heat = { hourMean: limit(30), hourMeanAction: limit(29) }
    expect(assessHourMean(30.2, heat)).toEqual({ kind: 'hourMean', limit: 30, status: 'over' })
    expect(assessHourMean(29.5, heat)?.status).toBe('near')
    expect(assessHourMean(28, heat)?.status).toBe('ok')
    expect(assessHourMean(28, { hourMean: limit(30) })?.status).toBe('ok')
    expect(assessHourMean(undefined, heat)).toBeUndefined()
    expect(assessHourMean(31, {})).toBeUndefined()
  })

  it('reads a gas as value ÷ limit, the nearest of TWA and STEL setting the colour', () => {
    const judged = assess('gas.co', 20, { twa: limit(20), stel: limit(40) })
    expect(judged).toMatchObject({ kind: 'twa', percent: 100, limit: 20, status: 'over' })
  })

  it('reads noise as sound energy with the profile exchange rate: 85 dBA 100 %, 88 dBA 200 %, 82 dBA 50 %', () => {
    const limits = { twa: limit(85), exchangeRate: limit(3) }
    expect(assess('noise', 85, limits)?.percent).toBeCloseTo(100)
    expect(assess('noise', 88, limits)?.percent).toBeCloseTo(200)
    expect(assess('noise', 82, limits)?.percent).toBeCloseTo(50)
  })

  it('reads a band from its middle: 0 % there, 100 % at either edge', () => {
    const band = { floor: limit(18), ceiling: limit(32) }
    expect(assess('temperature', 25, band)).toMatchObject({ kind: 'band', percent: 0, limit: 18, upper: 32 })
    expect(assess('temperature', 32, band)?.percent).toBeCloseTo(100)
    expect(assess('temperature', 18, band)?.percent).toBeCloseTo(100)
  })

  it('reads oxygen from normal air (20.9 %vol, 0 %) down to its floor (19.5 %vol, 100 %)', () => {
    const floor = { floor: limit(19.5) }
    expect(assess('gas.o2', 20.9, floor)?.percent).toBeCloseTo(0)
    expect(assess('gas.o2', 19.5, floor)?.percent).toBeCloseTo(100)
  })

  it('shows a breached instantaneous limit even when an 8-h level is further over', () => {
    const judged = assess('gas.co', 60, { twa: limit(20), ceiling: limit(50) })
    expect(judged).toMatchObject({ kind: 'ceiling', status: 'over' })
  })

  it('has nothing to say without a limit or a finite value', () => {
    expect(assess('gas.co', 5, undefined)).toBeUndefined()
    expect(assess('gas.co', 5, {})).toBeUndefined()
    expect(assess('gas.co', Number.NaN, { twa: limit(20) })).toBeUndefined()
  })

  it('shows fewer digits the larger a value is', () => {
    expect([digitsFor(5000), digitsFor(84.2), digitsFor(1.03), digitsFor(0.517), digitsFor(-12)]).toEqual([
      0, 1, 2, 3, 1,
    ])
  })
})
