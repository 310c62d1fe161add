import { describe, expect, it } from 'vitest'
import type { Reading } from '../../core/contract.ts'
import { DEFAULT_SHIFT_PATTERN, shiftStartAt } from '../../core/shifts.ts'
import { createExposureMonitor, type FacilityRules } from '../../ingest/exposure-monitor.ts'

const RULES: FacilityRules = { profile: 'qcvn', shifts: DEFAULT_SHIFT_PATTERN }
const SHIFT = shiftStartAt(Date.parse('2026-11-23T07:00:00+07:00'), DEFAULT_SHIFT_PATTERN)

function noise(sensorId: string, minute: number, value: number): Reading {
  return { facilityId: 'f', sensorId, factor: 'noise', value, time: SHIFT + minute * 60_000 }
}

function run(
  monitor: ReturnType<typeof createExposureMonitor>,
  sensorId: string,
  level: number,
  minutes: number,
) {
  return Array.from({ length: minutes }, (_, minute) =>
    monitor.observe(noise(sensorId, minute, level)),
  ).flatMap((observation) => observation.transitions)
}

describe('the live exposure monitor', () => {
  it('judges a sensor in an office zone by the office limit (QCVN 24 Table 2: 65 dBA), others by 85 dBA', () => {
    const monitor = createExposureMonitor(
      () => RULES,
      (sensorId) => (sensorId === 'office' ? 'office' : undefined),
    )
    const office = run(monitor, 'office', 72, 240)
    const floor = run(monitor, 'floor', 72, 240)
    expect(office.some((t) => t.alert.kind === 'dose' && t.alert.level === 'alarm')).toBe(true)
    expect(floor.filter((t) => t.alert.kind === 'dose')).toEqual([])
  })

  it('raises an instantaneous alert on the very reading that breaches the maximum level', () => {
    const monitor = createExposureMonitor(
      () => RULES,
      () => undefined,
    )
    const [quiet, loud] = [monitor.observe(noise('s', 0, 80)), monitor.observe(noise('s', 0.01, 116))]
    expect(quiet.transitions).toEqual([])
    expect(loud.transitions.map((t) => [t.type, t.alert.kind])).toEqual([['opened', 'ceiling']])
  })

  it('restores its windows from saved state, so the shift’s figures go on where they were', () => {
    const first = createExposureMonitor(
      () => RULES,
      () => undefined,
    )
    run(first, 's', 88, 120)
    const saved = JSON.parse(JSON.stringify(first.toJSON()))
    const restored = createExposureMonitor(
      () => RULES,
      () => undefined,
      {},
      saved,
    )
    const a = first.observe(noise('s', 200, 88)).exposure
    const b = restored.observe(noise('s', 200, 88)).exposure
    expect(b).toEqual(a)
    expect(b?.dose).toBeGreaterThan(0)
  })

  it('opens a sensor-fault alert for a physically impossible reading and clears it after a minute of valid ones', () => {
    const monitor = createExposureMonitor(
      () => RULES,
      () => undefined,
    )
    const key = { facilityId: 'f', sensorId: 's', factor: 'noise' as const }
    const [opened] = monitor.observeFault(key, SHIFT)
    expect(opened).toMatchObject({ type: 'opened', alert: { kind: 'sensor-fault', level: 'alarm' } })
    expect(monitor.observeFault(key, SHIFT + 1000)).toEqual([])
    const later = Array.from({ length: 80 }, (_, second) =>
      monitor.observe(noise('s', (2 + second) / 60, 80)),
    )
    const cleared = later.flatMap((o) => o.transitions).filter((t) => t.type === 'cleared')
    expect(cleared.map((t) => t.alert.kind)).toEqual(['sensor-fault'])
    expect(monitor.openAlerts()).toBe(0)
  })
})
