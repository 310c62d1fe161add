import { describe, expect, it } from 'vitest'
import {
  AlertConflict,
  acknowledge,
  acknowledgedLevel,
  applyDetection,
  type Detection,
  isActive,
  resolve,
} from '../../core/alert-lifecycle.ts'
import type { Actor, Alert, AlertLevel } from '../../core/alerts.ts'

const OFFICER: Actor = { keyId: 'k-officer', name: 'Nguyễn Thị Lan' }
const CONTRACTOR: Actor = { keyId: 'k-contractor', name: 'Trần Văn Minh' }

function detected(type: Detection['type'], level: AlertLevel, at: number, value = 100): Detection {
  return {
    type,
    alert: {
      id: 'a1',
      facilityId: 'f1',
      sensorId: 's1',
      factor: 'noise',
      kind: 'ceiling',
      level,
      state: type === 'cleared' ? 'cleared' : 'open',
      value,
      limit: level === 'critical' ? 140 : 115,
      unit: 'dBA',
      source: `QCVN 24 ${level}`,
      message: `Noise ${value} dBA is above the ${level} limit`,
      openedAt: 0,
      updatedAt: at,
      ...(type === 'cleared' ? { clearedAt: at } : {}),
    },
  }
}

/** The stored alert after applying each step in turn. */
function run(...steps: ((stored: Alert | undefined) => Alert)[]): Alert {
  let alert: Alert | undefined
  for (const step of steps) alert = step(alert)
  return alert!
}

const opened = () => applyDetection(undefined, detected('opened', 'alarm', 1000))!.alert
const ack = (by: Actor, at: number, note?: string) => (stored?: Alert) =>
  acknowledge(stored!, by, note, at).alert
const escalate = (at: number) => (stored?: Alert) =>
  applyDetection(stored, detected('escalated', 'critical', at, 150))!.alert
const clear = (at: number) => (stored?: Alert) =>
  applyDetection(stored, detected('cleared', 'alarm', at))!.alert
const close = (at: number) => (stored?: Alert) =>
  resolve(stored!, OFFICER, 'ppe-issued', 'ear muffs handed out', at).alert

describe('alert lifecycle', () => {
  it('opens an alert the register has not seen, as one `opened` event', () => {
    const changed = applyDetection(undefined, detected('opened', 'alarm', 1000))
    expect(changed?.alert).toMatchObject({ id: 'a1', state: 'open', level: 'alarm' })
    expect(changed?.events.map((e) => e.type)).toEqual(['opened'])
    expect(changed?.events[0]?.at).toBe(1000)
  })

  it('ignores an opening it has already applied', () => {
    expect(applyDetection(opened(), detected('opened', 'alarm', 1000))).toBeUndefined()
  })

  it('acknowledges an open alert as the key that asked, with its note', () => {
    const changed = acknowledge(opened(), OFFICER, 'ear muffs on', 2000)
    expect(changed.alert).toMatchObject({
      state: 'acknowledged',
      updatedAt: 2000,
      acknowledgements: [{ by: OFFICER, at: 2000, level: 'alarm', note: 'ear muffs on' }],
    })
    expect(changed.events).toEqual([
      { type: 'acknowledged', at: 2000, alert: changed.alert, by: OFFICER, note: 'ear muffs on' },
    ])
  })

  it('refuses a second acknowledgement of the same level', () => {
    const acknowledged = run(opened, ack(OFFICER, 2000))
    expect(() => acknowledge(acknowledged, CONTRACTOR, undefined, 3000)).toThrow(AlertConflict)
    expect(() => acknowledge(acknowledged, CONTRACTOR, undefined, 3000)).toThrow(
      /already acknowledged at alarm level, by Nguyễn Thị Lan/,
    )
  })

  it('keeps the acknowledgement through an escalation and tells who acknowledged', () => {
    const changed = applyDetection(
      run(opened, ack(OFFICER, 2000)),
      detected('escalated', 'critical', 3000, 150),
    )!
    expect(changed.alert).toMatchObject({
      state: 'acknowledged',
      level: 'critical',
      value: 150,
      limit: 140,
      source: 'QCVN 24 critical',
      openedAt: 0,
      updatedAt: 3000,
      acknowledgements: [{ by: OFFICER, level: 'alarm' }],
    })
    expect(changed.events.map((e) => e.type)).toEqual(['escalated', 'notified'])
    expect(changed.events[1]).toMatchObject({ to: [OFFICER], at: 3000 })
  })

  it('tells nobody when nobody acknowledged the alert that escalates', () => {
    const changed = applyDetection(opened(), detected('escalated', 'critical', 3000, 150))!
    expect(changed.alert.state).toBe('open')
    expect(changed.events.map((e) => e.type)).toEqual(['escalated'])
  })

  it('lets the new level be acknowledged in turn, and tells each person once', () => {
    const twice = run(opened, ack(OFFICER, 2000), escalate(3000), ack(CONTRACTOR, 4000))
    expect(acknowledgedLevel(twice)).toBe('critical')
    expect(twice.acknowledgements?.map((a) => [a.by.name, a.level])).toEqual([
      ['Nguyễn Thị Lan', 'alarm'],
      ['Trần Văn Minh', 'critical'],
    ])
    expect(() => acknowledge(twice, OFFICER, undefined, 5000)).toThrow(/already acknowledged at critical/)
  })

  it('ignores an escalation to a level the alert already has', () => {
    expect(applyDetection(opened(), detected('escalated', 'alarm', 3000))).toBeUndefined()
    expect(applyDetection(opened(), detected('escalated', 'warning', 3000))).toBeUndefined()
  })

  it('clears an alert with its acknowledgements, once, and then refuses people and ignores the tracker', () => {
    const changed = applyDetection(run(opened, ack(OFFICER, 2000)), detected('cleared', 'alarm', 9000))!
    expect(changed.alert).toMatchObject({
      state: 'cleared',
      clearedAt: 9000,
      acknowledgements: [{ by: OFFICER }],
    })
    expect(changed.events.map((e) => e.type)).toEqual(['cleared'])
    expect(isActive(changed.alert)).toBe(false)
    expect(applyDetection(changed.alert, detected('cleared', 'alarm', 9500))).toBeUndefined()
    expect(applyDetection(changed.alert, detected('escalated', 'critical', 9500))).toBeUndefined()
    expect(() => acknowledge(changed.alert, OFFICER, undefined, 9600)).toThrow(
      /is cleared: nothing to acknowledge/,
    )
  })

  it('resolves an open alert with a reason and a note, as the key that asked', () => {
    const changed = resolve(opened(), CONTRACTOR, 'sensor-fault', 'microphone wet', 5000)
    expect(changed.alert).toMatchObject({
      state: 'resolved',
      updatedAt: 5000,
      resolution: { by: CONTRACTOR, at: 5000, reason: 'sensor-fault', note: 'microphone wet' },
    })
    expect(changed.events).toEqual([
      {
        type: 'resolved',
        at: 5000,
        alert: changed.alert,
        by: CONTRACTOR,
        reason: 'sensor-fault',
        note: 'microphone wet',
      },
    ])
    expect(isActive(changed.alert)).toBe(false)
  })

  it('resolves an acknowledged alert, and a cleared one to record why it happened', () => {
    expect(run(opened, ack(OFFICER, 2000), close(3000))).toMatchObject({
      state: 'resolved',
      acknowledgements: [{ by: OFFICER }],
    })
    const afterClear = run(opened, clear(4000), close(5000))
    expect(afterClear).toMatchObject({
      state: 'resolved',
      clearedAt: 4000,
      resolution: { reason: 'ppe-issued' },
    })
  })

  it('refuses to resolve twice, to acknowledge a resolved alert, and an `other` reason without a note', () => {
    const resolved = run(opened, close(3000))
    expect(() => resolve(resolved, CONTRACTOR, 'false-alarm', undefined, 4000)).toThrow(
      /already resolved by Nguyễn Thị Lan/,
    )
    expect(() => acknowledge(resolved, CONTRACTOR, undefined, 4000)).toThrow(/is resolved/)
    expect(() => resolve(opened(), OFFICER, 'other', undefined, 4000)).toThrow(/needs a note/)
    expect(() => resolve(opened(), OFFICER, 'other', '  ', 4000)).toThrow(/needs a note/)
    expect(resolve(opened(), OFFICER, 'false-alarm', undefined, 4000).alert.resolution).toEqual({
      by: OFFICER,
      at: 4000,
      reason: 'false-alarm',
    })
  })

  it('keeps a resolved alert resolved when its measurements recover', () => {
    const changed = applyDetection(run(opened, close(3000)), detected('cleared', 'alarm', 8000))!
    expect(changed.alert).toMatchObject({ state: 'resolved', clearedAt: 8000, resolution: { at: 3000 } })
    expect(changed.events.map((e) => e.type)).toEqual(['cleared'])
  })

  it('opens a resolved alert again when it escalates, and tells whoever acknowledged or resolved it', () => {
    const resolved = run(opened, ack(CONTRACTOR, 2000), close(3000))
    const changed = applyDetection(resolved, detected('escalated', 'critical', 4000, 150))!
    expect(changed.alert).toMatchObject({ state: 'open', level: 'critical' })
    expect(changed.alert.resolution).toBeUndefined()
    expect(changed.events.map((e) => e.type)).toEqual(['escalated', 'notified'])
    expect(changed.events[1]?.to).toEqual([CONTRACTOR, OFFICER])
  })

  it('takes an escalation or a clear it missed the opening of as the alert', () => {
    const escalated = applyDetection(undefined, detected('escalated', 'critical', 3000, 150))!
    expect(escalated.alert).toMatchObject({ state: 'open', level: 'critical' })
    expect(escalated.events.map((e) => e.type)).toEqual(['escalated'])
    const cleared = applyDetection(undefined, detected('cleared', 'alarm', 3000))!
    expect(cleared.alert).toMatchObject({ state: 'cleared', clearedAt: 3000 })
  })

  it('tells an acknowledger with no key id (acknowledged before migration 006) by name, once', () => {
    const legacy: Actor = { name: 'Lê Văn An' }
    const stored = run(opened, ack(legacy, 2000))
    const changed = applyDetection(stored, detected('escalated', 'critical', 3000, 150))!
    expect(changed.events[1]?.to).toEqual([legacy])
  })

  it('never changes the alert it is given', () => {
    const stored = opened()
    const copy = structuredClone(stored)
    acknowledge(stored, OFFICER, 'x', 2000)
    resolve(stored, OFFICER, 'false-alarm', undefined, 2000)
    applyDetection(stored, detected('escalated', 'critical', 3000, 150))
    applyDetection(stored, detected('cleared', 'alarm', 3000))
    expect(stored).toEqual(copy)
  })
})
