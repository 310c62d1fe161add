import { describe, expect, it } from 'vitest'
import type { Reading } from '../../core/contract.ts'
import { DEFAULT_SHIFT_PATTERN, shiftStartAt } from '../../core/shifts.ts'
import { createExposureMonitor, type FacilityRules } from '../../ingest/exposure-monitor.ts'

const RULES: FacilityRules = { profile: 'qcvn', shifts: DEFAULT_SHIFT_PATTERN }
const SHIFT = shiftStartAt(Date.parse('2026-11-23T07:00:00+07:00'), DEFAULT_SHIFT_PATTERN)

function noise(sensorId: string, minute: number, value: number): Reading {
  return { facilityId: 'f', sensorId, factor: 'noise', value, time: SHIFT + minute * 60_000 }
}

/** A climate sensor's reading `minute` minutes into the shift. */
function climate(
  sensorId: string,
  factor: 'temperature' | 'humidity' | 'wbgt',
  minute: number,
  value: number,
): Reading {
  return { facilityId: 'f', sensorId, factor, value, time: SHIFT + minute * 60_000 }
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
    const [a] = first.observe(noise('s', 200, 88)).exposures
    const [b] = restored.observe(noise('s', 200, 88)).exposures
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

  it('hands out the evaluators that changed, oldest change first, a share at a time, and the alerts when they changed', () => {
    const monitor = createExposureMonitor(
      () => RULES,
      () => undefined,
    )
    for (const sensorId of ['a', 'b', 'c']) monitor.observe(noise(sensorId, 0, 80))
    expect(monitor.changedCount()).toBe(3)
    expect(monitor.takeChanged(2).map((saved) => saved.key.sensorId)).toEqual(['a', 'b'])
    monitor.observe(noise('a', 1, 80))
    expect(monitor.takeChanged(10).map((saved) => saved.key.sensorId)).toEqual(['c', 'a'])
    expect(monitor.takeChanged(10)).toEqual([])
    expect(monitor.takeTrackerChange()).toBeUndefined()
    monitor.observe(noise('a', 2, 118))
    expect(monitor.takeTrackerChange()?.alerts.map((alert) => alert.kind)).toEqual(['ceiling'])
    expect(monitor.takeTrackerChange()).toBeUndefined()
  })

  describe('heat stress', () => {
    function hotHours(monitor: ReturnType<typeof createExposureMonitor>, sensorId: string, minutes: number) {
      // 34 °C at 70 % RH: a heat index of 46.8 °C, estimated WBGT 31.6 °C.
      return Array.from({ length: minutes }, (_, minute) => [
        monitor.observe(climate(sensorId, 'temperature', minute, 34)),
        monitor.observe(climate(sensorId, 'humidity', minute, 70)),
      ]).flat()
    }

    it('estimates WBGT from temperature and humidity and warns once its 1-hour mean passes ISO 7243', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      const observations = hotHours(monitor, 'kiln', 90)
      const opened = observations.flatMap((o) => o.transitions).filter((t) => t.alert.factor === 'wbgt')
      // Estimates only warn: temperature and humidity miss radiant heat and air movement.
      expect(opened.map((t) => [t.type, t.alert.kind, t.alert.level])).toEqual([
        ['opened', 'heat-stress', 'warning'],
      ])
      expect(opened[0]?.alert.message).toMatch(/estimated from temperature and humidity/)
      expect(opened[0]?.alert.limit).toBe(29)
      const wbgt = observations.flatMap((o) => o.exposures).filter((p) => p.factor === 'wbgt')
      expect(wbgt.at(-1)?.hourMean).toBeCloseTo(31.64, 2)
    })

    it('judges a measured WBGT instead of estimating, with an alarm at the acclimatised reference value', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      // An hour at 29.5 °C (over the 29 °C for workers not acclimatised), then 31 °C (over 30 °C).
      const transitions = Array.from({ length: 120 }, (_, minute) => [
        monitor.observe(climate('meter', 'wbgt', minute, minute < 60 ? 29.5 : 31)),
        monitor.observe(climate('meter', 'temperature', minute, 25)),
        monitor.observe(climate('meter', 'humidity', minute, 40)),
      ])
        .flat()
        .flatMap((o) => o.transitions)
      expect(transitions.map((t) => [t.type, t.alert.factor, t.alert.level, t.alert.limit])).toEqual([
        ['opened', 'wbgt', 'warning', 29],
        ['escalated', 'wbgt', 'alarm', 30],
      ])
      expect(transitions[1]?.alert.message).not.toMatch(/estimated/)
    })

    it('takes the stricter reference of heavy work (QCVN 26 heavy work: ISO 7243 class 3, 25 / 22 °C)', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => 'heavy-work',
      )
      // 30 °C at 70 % RH: estimated WBGT 26.5 °C, under light work's 29 but over heavy work's 22.
      const transitions = Array.from({ length: 90 }, (_, minute) => [
        monitor.observe(climate('furnace', 'temperature', minute, 30)),
        monitor.observe(climate('furnace', 'humidity', minute, 70)),
      ])
        .flat()
        .flatMap((o) => o.transitions)
        .filter((t) => t.alert.kind === 'heat-stress')
      expect(transitions.map((t) => [t.type, t.alert.level, t.alert.limit])).toEqual([
        ['opened', 'warning', 22],
      ])
    })

    it('keeps the estimate’s hour window across a restart', () => {
      const first = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      hotHours(first, 'kiln', 40)
      const restored = createExposureMonitor(
        () => RULES,
        () => undefined,
        {},
        JSON.parse(JSON.stringify(first.toJSON())),
      )
      // The pairing itself is not saved: after a restart the estimate waits for both factors again.
      const next = (m: typeof first) =>
        [
          ...m.observe(climate('kiln', 'temperature', 40, 34)).exposures,
          ...m.observe(climate('kiln', 'humidity', 40, 70)).exposures,
        ].filter((point) => point.factor === 'wbgt')
      const expected = next(first)
      expect(expected[0]?.hourMean).toBeCloseTo(31.64, 2)
      expect(next(restored)).toEqual(expected)
    })
  })
})
