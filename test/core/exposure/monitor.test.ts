import { describe, expect, it } from 'vitest'
import type { Reading } from '../../../core/contract.ts'
import { createExposureMonitor, type FacilityRules } from '../../../core/exposure/monitor.ts'
import { DEFAULT_SHIFT_PATTERN, type ShiftPattern, shiftStartAt } from '../../../core/shifts.ts'

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
    expect(monitor.trackerChangedCount()).toBe(0)
    monitor.observe(noise('a', 2, 118))
    const [slot, ...others] = monitor.takeTrackerChanges(10)
    expect(others).toEqual([])
    expect(slot?.alert).toMatchObject({ sensorId: 'a', kind: 'ceiling', state: 'open' })
    expect(slot?.slot?.alertId).toBe(slot?.alert?.id)
    expect(monitor.takeTrackerChanges(10)).toEqual([])
  })

  it('counts the alert tracker’s changes as taken when its whole state is, as a partition saves it', () => {
    const monitor = createExposureMonitor(
      () => RULES,
      () => undefined,
    )
    monitor.observe(noise('a', 0, 118))
    expect(monitor.trackerChangedCount()).toBe(1)
    expect(monitor.takeTrackerState()).toEqual(monitor.toJSON().tracker)
    expect(monitor.trackerChangedCount()).toBe(0)
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

  describe('shifts as the facility declares them', () => {
    const TWELVE_HOURS: ShiftPattern = { starts: ['07:30', '19:30'], utcOffsetMinutes: 420 }
    const at = (local: string) => Date.parse(`${local}+07:00`)
    const co = (time: number, value = 10): Reading => ({
      facilityId: 'f',
      sensorId: 'co',
      factor: 'gas.co',
      value,
      time,
    })
    /** A reading a minute for `minutes` from `from`, returning the last exposure point. */
    function minutes(monitor: ReturnType<typeof createExposureMonitor>, from: number, count: number) {
      let last: ReturnType<typeof monitor.observe>['exposures'][number] | undefined
      for (let minute = 0; minute < count; minute++) {
        last = monitor.observe(co(from + minute * 60_000)).exposures.at(-1) ?? last
      }
      return last
    }

    it('judges a 12-hour pattern from 07:30 (UTC+7) on its shifts and projects to 12 hours', () => {
      const monitor = createExposureMonitor(
        () => ({ profile: 'qcvn', shifts: TWELVE_HOURS }),
        () => undefined,
      )
      const point = minutes(monitor, at('2026-11-30T07:30:00'), 61)
      expect(point?.shiftStart).toBe(Date.parse('2026-11-30T00:30:00Z'))
      expect(point?.shift).toEqual({
        start: at('2026-11-30T07:30:00'),
        end: at('2026-11-30T19:30:00'),
        hours: 12,
        utcOffsetMinutes: 420,
      })
      // 10 ppm held for 12 h, over the 8-h reference that stays 8 h: 15 ppm.
      expect(point?.twaProjected).toBeCloseTo(15, 9)
      expect(monitor.takeOpenedShifts()).toEqual([{ facilityId: 'f', ...point?.shift }])
      expect(monitor.takeOpenedShifts()).toEqual([])
    })

    it('applies a change of pattern from the next shift, also after a restart', () => {
      let shifts = TWELVE_HOURS
      const rules = () => ({ profile: 'qcvn' as const, shifts })
      const monitor = createExposureMonitor(rules, () => undefined)
      minutes(monitor, at('2026-11-30T19:30:00'), 10)
      shifts = { starts: ['07:30', '15:30', '23:30'], utcOffsetMinutes: 420 }
      const restored = createExposureMonitor(
        rules,
        () => undefined,
        {},
        JSON.parse(JSON.stringify(monitor.toJSON())),
      )
      for (const m of [monitor, restored]) {
        // 23:40 belongs to the new pattern's 23:30 shift, but the 19:30 shift was in progress.
        expect(minutes(m, at('2026-11-30T23:40:00'), 1)?.shift).toMatchObject({
          start: at('2026-11-30T19:30:00'),
          hours: 12,
        })
        expect(minutes(m, at('2026-12-01T07:40:00'), 1)?.shift).toMatchObject({
          start: at('2026-12-01T07:30:00'),
          end: at('2026-12-01T15:30:00'),
          hours: 8,
        })
      }
    })

    it('gives a sensor that starts reporting after the change the shift in progress too', () => {
      let shifts: ShiftPattern = DEFAULT_SHIFT_PATTERN
      const monitor = createExposureMonitor(
        () => ({ profile: 'qcvn', shifts }),
        () => undefined,
      )
      minutes(monitor, at('2026-11-30T10:00:00'), 1)
      shifts = TWELVE_HOURS
      const late = monitor.observe({ ...co(at('2026-11-30T11:00:00')), sensorId: 'late' }).exposures[0]
      expect(late?.shift).toMatchObject({ start: at('2026-11-30T06:00:00'), end: at('2026-11-30T14:00:00') })
      // Then 14:00–19:30 (the old shift's end to the new pattern's next start), then 12-hour shifts.
      expect(minutes(monitor, at('2026-11-30T14:10:00'), 1)?.shift).toMatchObject({
        start: at('2026-11-30T14:00:00'),
        hours: 5.5,
      })
      expect(minutes(monitor, at('2026-11-30T19:40:00'), 1)?.shift).toMatchObject({
        start: at('2026-11-30T19:30:00'),
        hours: 12,
      })
    })
  })

  describe('sweepOffline', () => {
    const INTERVAL_MS = 3_000
    const offlineAfter = (sensorId: string) => (sensorId === 'gone' ? Number.POSITIVE_INFINITY : INTERVAL_MS)
    const gas = (factor: 'gas.co' | 'gas.h2s', second: number): Reading => ({
      facilityId: 'f',
      sensorId: 'multi',
      factor,
      value: 1,
      time: SHIFT + second * 1000,
    })
    const offline = (transitions: { alert: { kind: string } }[]) =>
      transitions.filter((t) => t.alert.kind === 'sensor-offline')

    it('raises one alert for a silent sensor, on the factor it reported last, and raises nothing while it reports', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      monitor.observe(gas('gas.h2s', 0))
      monitor.observe(gas('gas.co', 1))
      expect(monitor.sweepOffline(SHIFT + 3_500, offlineAfter)).toEqual([])
      const [opened, ...rest] = monitor.sweepOffline(SHIFT + 10_000, offlineAfter)
      expect(rest).toEqual([])
      expect(opened).toMatchObject({
        type: 'opened',
        alert: { kind: 'sensor-offline', factor: 'gas.co', level: 'warning', limit: 0.05 },
      })
      expect(monitor.sweepOffline(SHIFT + 20_000, offlineAfter)).toEqual([])
      expect(monitor.openAlerts()).toBe(1)
    })

    it('clears the alert when the sensor is back sending another factor than the one it fell silent on', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      monitor.observe(gas('gas.co', 0))
      const [opened] = monitor.sweepOffline(SHIFT + 10_000, offlineAfter)
      expect(opened?.alert.factor).toBe('gas.co')
      // Back with H2S only, a reading a second for the tracker's clearing time (60 s) and more.
      const transitions = []
      for (let second = 20; second <= 90; second++) {
        transitions.push(...monitor.observe(gas('gas.h2s', second)).transitions)
        if (second % 10 === 0)
          transitions.push(...monitor.sweepOffline(SHIFT + second * 1000 + 500, offlineAfter))
      }
      expect(offline(transitions)).toMatchObject([
        { type: 'cleared', alert: { id: opened?.alert.id, kind: 'sensor-offline', factor: 'gas.co' } },
      ])
      expect(monitor.openAlerts()).toBe(0)
      // And it can go offline again, on the factor it now sends.
      expect(offline(monitor.sweepOffline(SHIFT + 200_000, offlineAfter))).toMatchObject([
        { type: 'opened', alert: { factor: 'gas.h2s' } },
      ])
    })

    it('keeps the sensor’s open alert across a restart, and clears it whatever factor comes back', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      monitor.observe(gas('gas.co', 0))
      const [opened] = monitor.sweepOffline(SHIFT + 10_000, offlineAfter)
      const restored = createExposureMonitor(
        () => RULES,
        () => undefined,
        {},
        JSON.parse(JSON.stringify(monitor.toJSON())),
      )
      // Two H2S readings a minute apart: the sweeps between them see the sensor back, and the second clears it.
      const transitions = [
        ...restored.observe(gas('gas.h2s', 20)).transitions,
        ...restored.sweepOffline(SHIFT + 21_000, offlineAfter),
        ...restored.sweepOffline(SHIFT + 22_000, offlineAfter),
      ]
      expect(transitions).toEqual([])
      expect(offline(restored.observe(gas('gas.h2s', 80)).transitions)).toMatchObject([
        { type: 'cleared', alert: { id: opened?.alert.id, factor: 'gas.co' } },
      ])
      expect(restored.openAlerts()).toBe(0)
    })

    it('clears it from the sweep when the readings that came back are not judged again', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      monitor.observe(gas('gas.co', 0))
      monitor.sweepOffline(SHIFT + 10_000, offlineAfter)
      monitor.observe(gas('gas.h2s', 20))
      // The sweep's clock runs on while the sensor reports (its last reading 2 s before each sweep).
      expect(monitor.sweepOffline(SHIFT + 22_000, offlineAfter)).toEqual([])
      monitor.observe(gas('gas.h2s', 79))
      expect(offline(monitor.sweepOffline(SHIFT + 81_000, offlineAfter))).toMatchObject([{ type: 'cleared' }])
    })

    it('never counts a decommissioned sensor offline, and clears its open alert', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      monitor.observe({ ...gas('gas.co', 0), sensorId: 'gone' })
      const [opened] = monitor.sweepOffline(SHIFT + 10_000, () => INTERVAL_MS)
      expect(opened?.type).toBe('opened')
      expect(monitor.sweepOffline(SHIFT + 20_000, offlineAfter)).toEqual([])
      expect(offline(monitor.sweepOffline(SHIFT + 90_000, offlineAfter))).toMatchObject([{ type: 'cleared' }])
    })

    it('does not take a WBGT estimate for a reading of the sensor', () => {
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
      )
      monitor.observe(climate('room', 'temperature', 0, 30))
      monitor.observe(climate('room', 'humidity', 0.01, 60))
      const [opened] = monitor.sweepOffline(SHIFT + 60_000, () => INTERVAL_MS)
      expect(opened?.alert).toMatchObject({ kind: 'sensor-offline', factor: 'humidity' })
    })

    /**
     * Sensors falling silent at different times, one multi-factor, one a climate sensor with its WBGT
     * estimate, one back after its alert, one decommissioned; swept every 10 s of a few minutes.
     */
    function sweptFleet(
      sweep: (monitor: ReturnType<typeof createExposureMonitor>, now: number) => unknown[],
    ) {
      let id = 0
      const monitor = createExposureMonitor(
        () => RULES,
        () => undefined,
        { newId: () => `a${++id}` },
      )
      const silentAfter: Record<string, number> = { s0: 5, s1: 40, s2: 80, gone: 0, back: 30 }
      const transitions: unknown[] = []
      for (let second = 0; second < 240; second++) {
        for (const [sensorId, until] of Object.entries(silentAfter)) {
          if (second < until || (sensorId === 'back' && second > 150)) {
            monitor.observe({ ...noise(sensorId, 0, 80), time: SHIFT + second * 1000 })
          }
        }
        if (second < 60)
          for (const factor of ['gas.co', 'gas.h2s'] as const) monitor.observe(gas(factor, second))
        if (second < 100) {
          monitor.observe(climate('hot', 'temperature', second / 60, 30))
          monitor.observe(climate('hot', 'humidity', second / 60, 70))
        }
        if (second % 10 === 0) transitions.push(...sweep(monitor, SHIFT + second * 1000 + 500))
      }
      return transitions
    }

    it('judges in pieces of any size exactly as in one sweep', () => {
      const whole = sweptFleet((monitor, now) => monitor.sweepOffline(now, offlineAfter))
      expect(offline(whole as { alert: { kind: string } }[]).length).toBeGreaterThanOrEqual(6)
      for (const max of [1, 2, 3, 4, 5, 6, 7, 100]) {
        const pieces = sweptFleet((monitor, now) => {
          const pass = monitor.startOfflineSweep(offlineAfter)
          const transitions: unknown[] = []
          for (let step = pass.next(now, max); ; step = pass.next(now, max)) {
            transitions.push(...step.transitions)
            if (step.done) return transitions
          }
        })
        expect(pieces, `${max} at a time`).toEqual(whole)
      }
    })
  })
})
