import { describe, expect, it } from 'vitest'
import {
  type AlertKey,
  type AlertSignal,
  AlertTracker,
  type AlertTrackerData,
  type SavedSlot,
} from '../../../core/exposure/alert-tracker.ts'

const SECOND = 1000
const KEYS: AlertKey[] = ['s1', 's2', 's3'].map((sensorId) => ({
  facilityId: 'f1',
  sensorId,
  factor: 'gas.co',
}))
const [K1, K2, K3] = KEYS as [AlertKey, AlertKey, AlertKey]

function twa(value: number): AlertSignal {
  return {
    kind: 'twa',
    unit: 'ppm',
    label: 'CO 8-h TWA',
    levels: {
      warning: { value, limit: 50, source: 'half the limit' },
      alarm: { value, limit: 100, source: 'the limit' },
      critical: { value, limit: 1200, source: 'IDLH' },
    },
  }
}

function oxygen(value: number): AlertSignal {
  return {
    kind: 'ceiling',
    direction: 'below',
    unit: '%vol',
    label: 'O₂',
    levels: { alarm: { value, limit: 19.5, source: 'floor' } },
  }
}

/** What the tracker's signals range over: clear, clear band, between, warning, alarm, critical; floors. */
const TWA_VALUES = [5, 40, 46, 49, 60, 99, 101, 130, 1300]
const OXYGEN_VALUES = [20.9, 19.8, 19.6, 19, 17]

function counter() {
  let next = 0
  return () => `a${++next}`
}

/** A reproducible pseudo-random sequence (mulberry32). */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The slots saved so far, as the state repository holds them: one row a slot, gone ones deleted. */
function savedSlots() {
  const rows = new Map<string, SavedSlot>()
  return {
    save(taken: SavedSlot[]) {
      for (const saved of taken) {
        if (saved.slot === undefined) rows.delete(saved.key)
        else rows.set(saved.key, JSON.parse(JSON.stringify(saved)))
      }
    },
    values: () => rows.values(),
    size: () => rows.size,
  }
}

const bySlotKey = (data: AlertTrackerData) => [...data.slots].sort(([a], [b]) => a.localeCompare(b))

const byId = (data: AlertTrackerData) => [...data.alerts].sort((a, b) => a.id.localeCompare(b.id))

function expectSameState(restored: AlertTrackerData, tracker: AlertTracker) {
  const now = tracker.toJSON()
  expect(bySlotKey(restored)).toEqual(bySlotKey(now))
  expect(byId(restored)).toEqual(byId(now))
  // Oldest first, as the tracker keeps them; those opened in the same millisecond in either order.
  const opened = restored.alerts.map((alert) => alert.openedAt)
  expect(opened).toEqual([...opened].sort((a, b) => a - b))
}

describe('AlertTracker saved slot by slot', () => {
  for (const minDurationMs of [0, 20 * SECOND]) {
    for (const clearAfterMs of [0, 30 * SECOND]) {
      for (const max of [1, 2, 1000]) {
        it(`puts back the state it had at every step of a random walk (wait ${minDurationMs / SECOND} s, clear after ${clearAfterMs / SECOND} s, ${max} slot(s) a piece)`, () => {
          const next = random(minDurationMs + clearAfterMs + max)
          const tracker = new AlertTracker({ minDurationMs, clearAfterMs, newId: counter() })
          const saved = savedSlots()
          const seen = new Set<string>()
          let time = 0
          for (let step = 0; step < 1500; step++) {
            const key = KEYS[Math.floor(next() * KEYS.length)] as AlertKey
            // Now and then two readings in the same millisecond.
            if (next() < 0.9) time += Math.floor(next() * 15) * SECOND
            const floor = next() < 0.3
            const values = floor ? OXYGEN_VALUES : TWA_VALUES
            const value = values[Math.floor(next() * values.length)] as number
            for (const t of tracker.observe(key, floor ? oxygen(value) : twa(value), time)) seen.add(t.type)
            // Taken a piece at a time, some steps not at all (saved with a later one).
            if (next() < 0.3) continue
            while (tracker.changedCount() > 0) saved.save(tracker.takeChanged(max))
            expectSameState(AlertTracker.fromSlots(saved.values()), tracker)
          }
          expect([...seen].sort()).toEqual(['cleared', 'escalated', 'opened'])
        })
      }
    }
  }

  it('takes a slot that changed once however often it changed, first changed first', () => {
    const tracker = new AlertTracker({ newId: counter() })
    tracker.observe(K1, twa(60), 0)
    tracker.observe(K2, twa(60), 0)
    tracker.observe(K1, twa(130), SECOND)
    expect(tracker.changedCount()).toBe(2)
    const taken = tracker.takeChanged(1)
    expect(taken).toEqual([
      {
        key: expect.stringContaining('s1'),
        slot: { alertId: 'a1' },
        alert: expect.objectContaining({ level: 'alarm' }),
      },
    ])
    expect(tracker.takeChanged(10).map((saved) => saved.alert?.sensorId)).toEqual(['s2'])
    expect(tracker.changedCount()).toBe(0)
  })

  it('hands out copies: what was taken does not move with the tracker', () => {
    const tracker = new AlertTracker({ newId: counter() })
    tracker.observe(K1, twa(60), 0)
    const [taken] = tracker.takeChanged(1)
    tracker.observe(K1, twa(130), SECOND)
    expect(taken?.alert).toMatchObject({ level: 'warning', value: 60 })
  })

  it('counts as changed what a saved slot holds: a worse value, a wait begun or broken, a clear begun', () => {
    const tracker = new AlertTracker({
      minDurationMs: 60 * SECOND,
      clearAfterMs: 60 * SECOND,
      newId: counter(),
    })
    const changedBy = (signal: AlertSignal, time: number) => {
      tracker.takeChanged(10)
      tracker.observe(K1, signal, time)
      return tracker.changedCount()
    }
    expect(changedBy(twa(40), 0)).toBe(0)
    // Waiting to open, and the wait broken.
    expect(changedBy(twa(60), SECOND)).toBe(1)
    expect(changedBy(twa(60), 2 * SECOND)).toBe(0)
    expect(changedBy(twa(40), 3 * SECOND)).toBe(1)
    expect(changedBy(twa(1300), 4 * SECOND)).toBe(1)
    // The same value again, and a better one, change nothing; a worse one, even in the same millisecond, does.
    expect(changedBy(twa(1300), 5 * SECOND)).toBe(0)
    expect(changedBy(twa(1250), 6 * SECOND)).toBe(0)
    expect(changedBy(twa(1400), 6 * SECOND)).toBe(1)
    expect(changedBy(twa(1500), 6 * SECOND)).toBe(1)
    // Clearing begun, going on, broken; begun again and done.
    expect(changedBy(twa(40), 7 * SECOND)).toBe(1)
    expect(changedBy(twa(40), 8 * SECOND)).toBe(0)
    expect(changedBy(twa(60), 9 * SECOND)).toBe(1)
    expect(changedBy(twa(40), 10 * SECOND)).toBe(1)
    expect(changedBy(twa(40), 70 * SECOND)).toBe(1)
    // Gone: taken with no state, to be deleted.
    tracker.observe(K1, twa(60), 71 * SECOND)
    tracker.observe(K1, twa(40), 72 * SECOND)
    expect(tracker.takeChanged(10)).toEqual([{ key: expect.stringContaining('s1') }])
  })

  it('counts slots taken for a save that failed as changed again, as they are by then', () => {
    const tracker = new AlertTracker({ newId: counter() })
    tracker.observe(K1, twa(60), 0)
    tracker.observe(K2, twa(60), 0)
    const failed = tracker.takeChanged(10)
    tracker.observe(K1, twa(130), SECOND)
    tracker.markChanged(failed.map((saved) => saved.key))
    const again = tracker.takeChanged(10)
    expect(again.map((saved) => [saved.alert?.sensorId, saved.alert?.level])).toEqual([
      ['s1', 'alarm'],
      ['s2', 'warning'],
    ])
  })

  it('counts as changed what it restored from a state saved whole, not what it restored slot by slot', () => {
    const first = new AlertTracker({ newId: counter() })
    first.observe(K1, twa(120), 0)
    first.observe(K2, oxygen(18), 0)
    const saved = savedSlots()
    saved.save(first.takeChanged(10))
    expect(AlertTracker.fromJSON(AlertTracker.fromSlots(saved.values())).changedCount()).toBe(0)
    expect(AlertTracker.fromJSON(first.toJSON()).changedCount()).toBe(0)
    const upgraded = AlertTracker.fromJSON(AlertTracker.fromSlots([], first.toJSON()))
    expect(upgraded.changedCount()).toBe(2)
    const again = savedSlots()
    again.save(upgraded.takeChanged(10))
    expectSameState(AlertTracker.fromSlots(again.values()), first)
  })

  it('counts every change as taken with its whole state', () => {
    const tracker = new AlertTracker({ newId: counter() })
    tracker.observe(K1, twa(120), 0)
    expect(tracker.takeWhole()).toEqual(tracker.toJSON())
    expect(tracker.changedCount()).toBe(0)
  })

  it('reads slots over a state saved whole: each saved slot replaces its own, the others stay', () => {
    const tracker = new AlertTracker({ newId: counter(), clearAfterMs: 0 })
    for (const key of KEYS) tracker.observe(key, twa(120), 0)
    const whole = tracker.toJSON()
    tracker.takeChanged(10)
    tracker.observe(K1, twa(130), SECOND)
    tracker.observe(K3, twa(1300), SECOND)
    const since = tracker.takeChanged(10)
    expect(since).toHaveLength(2)
    const restored = AlertTracker.fromSlots(since, whole)
    expectSameState(restored, tracker)
    // The slot of s2 is only in the state saved whole: to be saved on its own.
    expect(restored.unsaved).toEqual([expect.stringContaining('s2')])
    expect(AlertTracker.fromSlots([], whole)).toEqual({ ...whole, unsaved: whole.slots.map(([key]) => key) })
  })

  it('drops a slot of a state saved whole when a slot saved since says it went away', () => {
    const tracker = new AlertTracker({ newId: counter(), clearAfterMs: 0 })
    for (const key of KEYS) tracker.observe(key, twa(120), 0)
    const whole = tracker.toJSON()
    tracker.takeChanged(10)
    tracker.observe(K2, twa(5), SECOND)
    const since = tracker.takeChanged(10)
    expect(since).toEqual([{ key: expect.stringContaining('s2') }])
    const restored = AlertTracker.fromSlots(since, whole)
    expectSameState(restored, tracker)
    expect(restored.alerts.map((alert) => alert.sensorId)).toEqual(['s1', 's3'])
  })

  it('restores a tracker that goes on as the saved one would', () => {
    const tracker = new AlertTracker({ minDurationMs: 20 * SECOND, newId: counter() })
    const saved = savedSlots()
    tracker.observe(K1, twa(60), 0)
    tracker.observe(K2, twa(130), 0)
    tracker.observe(K2, twa(130), 20 * SECOND)
    saved.save(tracker.takeChanged(10))
    const restored = AlertTracker.fromJSON(AlertTracker.fromSlots(saved.values()), {
      minDurationMs: 20 * SECOND,
      newId: () => 'a3',
    })
    for (const tracked of [tracker, restored]) {
      expect(tracked.observe(K1, twa(60), 21 * SECOND).map((t) => [t.type, t.alert.level])).toEqual([
        ['opened', 'warning'],
      ])
    }
    expect(restored.active().map((alert) => alert.sensorId)).toEqual(['s2', 's1'])
  })
})
