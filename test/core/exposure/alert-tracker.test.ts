import { describe, expect, it } from 'vitest'
import { type AlertKey, type AlertSignal, AlertTracker } from '../../../core/exposure/alert-tracker.ts'

const KEY: AlertKey = { facilityId: 'f1', sensorId: 's1', factor: 'gas.co' }
const SECOND = 1000

function twa(value: number): AlertSignal {
  return {
    kind: 'twa',
    unit: 'ppm',
    label: 'CO 8-h TWA',
    levels: {
      warning: { value, limit: 50, source: 'half the limit' },
      alarm: { value, limit: 100, source: 'the limit' },
    },
  }
}

function counter() {
  let next = 0
  return () => `a${++next}`
}

describe('AlertTracker', () => {
  it('raises one alert for a value dithering at the limit', () => {
    const tracker = new AlertTracker({ minDurationMs: 30 * SECOND, newId: counter() })
    const transitions = []
    for (let second = 0; second < 3600; second += 5) {
      const value = second % 10 === 0 ? 101 : 99
      transitions.push(...tracker.observe(KEY, twa(value), second * SECOND))
    }
    expect(transitions.map((t) => t.type)).toEqual(['opened'])
    expect(tracker.active()).toHaveLength(1)
    expect(tracker.active()[0]).toMatchObject({ id: 'a1', level: 'alarm', value: 101, state: 'open' })
  })

  it('waits for the minimum duration before opening, and ignores a single spike', () => {
    const tracker = new AlertTracker({ minDurationMs: 30 * SECOND, newId: counter() })
    expect(tracker.observe(KEY, twa(120), 0)).toEqual([])
    expect(tracker.observe(KEY, twa(10), 10 * SECOND)).toEqual([])
    expect(tracker.observe(KEY, twa(120), 20 * SECOND)).toEqual([])
    expect(tracker.observe(KEY, twa(120), 50 * SECOND).map((t) => t.type)).toEqual(['opened'])
  })

  it('opens a critical alert at once whatever the minimum duration', () => {
    const tracker = new AlertTracker({ minDurationMs: 60 * SECOND, newId: counter() })
    const signal: AlertSignal = {
      kind: 'ceiling',
      unit: 'ppm',
      label: 'CO',
      levels: { critical: { value: 1500, limit: 1200, source: 'IDLH' } },
    }
    expect(tracker.observe(KEY, signal, 0)[0]?.alert.level).toBe('critical')
  })

  it('escalates the same alert from warning to alarm', () => {
    const tracker = new AlertTracker({ newId: counter() })
    const [opened] = tracker.observe(KEY, twa(60), 0)
    const [escalated] = tracker.observe(KEY, twa(130), SECOND)
    expect(opened?.alert).toMatchObject({ id: 'a1', level: 'warning', limit: 50 })
    expect(escalated).toMatchObject({ type: 'escalated', previousLevel: 'warning' })
    expect(escalated?.alert).toMatchObject({ id: 'a1', level: 'alarm', limit: 100, value: 130 })
  })

  it('clears once below 90 % of every limit for the clear delay, and forgets the alert', () => {
    const tracker = new AlertTracker({ clearAfterMs: 60 * SECOND, newId: counter() })
    tracker.observe(KEY, twa(120), 0)
    // 46 is below the warning limit but not 90 % of it: the alert stays.
    expect(tracker.observe(KEY, twa(46), 20 * SECOND)).toEqual([])
    expect(tracker.observe(KEY, twa(40), 30 * SECOND)).toEqual([])
    expect(tracker.observe(KEY, twa(40), 60 * SECOND)).toEqual([])
    const [cleared] = tracker.observe(KEY, twa(40), 90 * SECOND)
    expect(cleared).toMatchObject({ type: 'cleared' })
    expect(cleared?.alert).toMatchObject({ state: 'cleared', clearedAt: 90 * SECOND, value: 120 })
    expect(tracker.active()).toEqual([])
    expect(tracker.get('a1')).toBeUndefined()
  })

  it('knows nothing of people: its alerts carry no acknowledgement or resolution', () => {
    const tracker = new AlertTracker({ newId: counter() })
    const [opened] = tracker.observe(KEY, twa(60), 0)
    const [escalated] = tracker.observe(KEY, twa(110), 2 * SECOND)
    for (const { alert } of [opened!, escalated!]) {
      expect(alert.acknowledgements).toBeUndefined()
      expect(alert.resolution).toBeUndefined()
    }
    expect('acknowledge' in tracker).toBe(false)
  })

  it('treats floors the other way round, with a narrow clear band', () => {
    const tracker = new AlertTracker({ clearAfterMs: 0, newId: counter() })
    const oxygen = (value: number): AlertSignal => ({
      kind: 'ceiling',
      direction: 'below',
      unit: '%vol',
      label: 'O₂',
      levels: { alarm: { value, limit: 19.5, source: 'floor' } },
    })
    expect(tracker.observe(KEY, oxygen(18), 0)[0]?.alert.message).toBe(
      'O₂ 18 %vol is below the alarm limit of 19.5 %vol',
    )
    expect(tracker.observe(KEY, oxygen(17), SECOND)).toEqual([])
    expect(tracker.observe(KEY, oxygen(20.9), 2 * SECOND)[0]?.alert).toMatchObject({
      state: 'cleared',
      value: 17,
    })
  })

  it('changes nothing on a signal without values', () => {
    const tracker = new AlertTracker({ newId: counter() })
    tracker.observe(KEY, twa(120), 0)
    expect(tracker.observe(KEY, { ...twa(0), levels: {} }, 100 * SECOND)).toEqual([])
    expect(tracker.active()).toHaveLength(1)
  })

  it('survives a restart through toJSON and fromJSON', () => {
    const tracker = new AlertTracker({ minDurationMs: 30 * SECOND, newId: counter() })
    tracker.observe(KEY, twa(120), 0)
    const restored = AlertTracker.fromJSON(JSON.parse(JSON.stringify(tracker)), {
      minDurationMs: 30 * SECOND,
      newId: () => 'restored-1',
    })
    expect(restored.observe(KEY, twa(120), 30 * SECOND)[0]?.alert).toMatchObject({
      id: 'restored-1',
      openedAt: 30 * SECOND,
    })
  })
})
