import { describe, expect, it } from 'vitest'
import { createClimateModel } from '../../simulators/models/climate.ts'
import { createDustModel } from '../../simulators/models/dust.ts'
import { createGasModel } from '../../simulators/models/gas.ts'
import { createNoiseModel } from '../../simulators/models/noise.ts'
import { spikeValue } from '../../simulators/models/spike.ts'
import { createRandom } from '../../simulators/random.ts'
import { localHour, type ShiftSchedule, workIntensity } from '../../simulators/shifts.ts'

const DAY_SHIFT: ShiftSchedule = [
  [7, 11.5],
  [12.5, 17],
]
const MIDNIGHT_VN = Date.parse('2026-06-15T00:00:00+07:00')
const at = (hour: number) => MIDNIGHT_VN + hour * 3_600_000

/** Samples `model` every `stepMs` over [fromHour, toHour) of the day above. */
function sampleHours<T>(model: (timeMs: number) => T, fromHour: number, toHour: number, stepMs = 1_000): T[] {
  const values: T[] = []
  for (let t = at(fromHour); t < at(toHour); t += stepMs) values.push(model(t))
  return values
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length

describe('shifts', () => {
  it('reads the local hour in Vietnam (UTC+7)', () => {
    expect(localHour(Date.parse('2026-06-15T01:30:00Z'))).toBeCloseTo(8.5)
  })

  it('is idle at night and over lunch, busy in the shift, ramping at the edges', () => {
    expect(workIntensity(DAY_SHIFT, at(3))).toBe(0)
    expect(workIntensity(DAY_SHIFT, at(12))).toBe(0)
    expect(workIntensity(DAY_SHIFT, at(9))).toBe(1)
    expect(workIntensity(DAY_SHIFT, at(7.1))).toBeCloseTo(0.4)
  })

  it('carries a night shift past midnight', () => {
    expect(workIntensity([[22, 30]], at(2))).toBe(1)
    expect(workIntensity([[22, 30]], at(12))).toBe(0)
  })
})

describe('spikeValue', () => {
  const spike = { startMs: 0, riseMs: 10_000, peak: 100, decayMs: 60_000 }
  it('rises smoothly to its peak, then decays', () => {
    expect(spikeValue(spike, -1)).toBe(0)
    expect(spikeValue(spike, 5_000)).toBeCloseTo(50)
    expect(spikeValue(spike, 10_000)).toBeCloseTo(100)
    expect(spikeValue(spike, 70_000)).toBeCloseTo(100 / Math.E)
  })
})

describe('noise model', () => {
  const noise = () =>
    createNoiseModel({
      random: createRandom(1),
      schedule: DAY_SHIFT,
      machineLevel: 88,
      impactsPerHour: 30,
      impactPeak: [100, 110],
    })

  it('is the same for the same seed and sample times', () => {
    expect(sampleHours(noise(), 8, 9)).toEqual(sampleHours(noise(), 8, 9))
  })

  it('is quiet at night and 80–95 dBA in production with the machine running', () => {
    const night = sampleHours(noise(), 1, 3)
    expect(Math.max(...night)).toBeLessThan(65)
    const production = sampleHours(noise(), 8, 11)
    const running = production.filter((level) => level > 80)
    // The machine runs about three quarters of the time.
    expect(running.length / production.length).toBeGreaterThan(0.5)
    expect(mean(running)).toBeGreaterThan(84)
    expect(mean(running)).toBeLessThan(95)
  })

  it('shows impacts as short peaks in production', () => {
    const production = sampleHours(noise(), 8, 11)
    expect(production.filter((level) => level >= 100).length).toBeGreaterThan(20)
  })

  it('reports a scheduled impact in the sample whose interval holds it, whatever the rate', () => {
    for (const stepMs of [100, 1_000, 10_000]) {
      const model = createNoiseModel({
        random: createRandom(2),
        schedule: DAY_SHIFT,
        machineLevel: 85,
        impactsPerHour: 0,
        impactPeak: [0, 0],
        scheduledImpacts: [{ atMs: at(9) + 12_345, peak: 120 }],
      })
      const levels = sampleHours(model, 9, 9.05, stepMs)
      expect(levels.filter((level) => level === 120)).toHaveLength(1)
    }
  })
})

describe('dust model', () => {
  it('follows the work: higher in production than at night, respirable a share of total', () => {
    const dust = createDustModel({
      random: createRandom(3),
      schedule: DAY_SHIFT,
      workLevel: 2,
      respirableFraction: 0.3,
      puffsPerHour: 4,
    })
    const night = sampleHours(dust, 1, 4, 5_000)
    const day = sampleHours(dust, 8, 11, 5_000)
    expect(mean(day.map((d) => d.total))).toBeGreaterThan(5 * mean(night.map((d) => d.total)))
    for (const sample of [...night, ...day]) {
      expect(sample.respirable).toBeGreaterThan(0)
      expect(sample.respirable).toBeLessThan(sample.total)
    }
    const share = mean(day.map((d) => d.respirable / d.total))
    expect(share).toBeGreaterThan(0.2)
    expect(share).toBeLessThan(0.4)
  })
})

describe('gas model', () => {
  const behaviour = { baseline: 1, workRise: 2, jitter: 0.2, wander: 0.3, leakPeak: [5, 10] as const }

  it('stays near its baseline plus work when nothing leaks, and never below zero', () => {
    const co = createGasModel({
      ...behaviour,
      random: createRandom(4),
      schedule: DAY_SHIFT,
      leaksPerHour: 0,
      direction: 1,
    })
    const values = sampleHours(co, 0, 24, 10_000)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(6)
  })

  it('rises with a leak and clears again', () => {
    const co = createGasModel({
      ...behaviour,
      random: createRandom(5),
      schedule: DAY_SHIFT,
      leaksPerHour: 0,
      direction: 1,
      scheduledLeaks: [{ startMs: at(9), riseMs: 20_000, peak: 100, decayMs: 120_000 }],
    })
    const values = sampleHours(co, 8.9, 10, 1_000)
    const peak = Math.max(...values)
    expect(peak).toBeGreaterThan(95)
    expect(values.at(-1)).toBeLessThan(10)
  })

  it('dips for oxygen instead of rising', () => {
    const o2 = createGasModel({
      baseline: 20.9,
      workRise: 0,
      jitter: 0.02,
      wander: 0.02,
      leakPeak: [0, 0],
      random: createRandom(6),
      schedule: DAY_SHIFT,
      leaksPerHour: 0,
      direction: -1,
      scheduledLeaks: [{ startMs: at(9), riseMs: 10_000, peak: 2, decayMs: 60_000 }],
    })
    expect(Math.min(...sampleHours(o2, 9, 9.1))).toBeLessThan(19.5)
  })

  it('keeps CO₂ at or above its floor, outdoor air', () => {
    const co2 = createGasModel({
      baseline: 450,
      workRise: 800,
      jitter: 0,
      wander: 200,
      leakPeak: [0, 0],
      floor: 400,
      random: createRandom(7),
      schedule: DAY_SHIFT,
      leaksPerHour: 0,
      direction: 1,
    })
    expect(Math.min(...sampleHours(co2, 0, 24, 10_000))).toBeGreaterThanOrEqual(400)
  })
})

describe('climate model', () => {
  const climate = () =>
    createClimateModel({
      random: createRandom(8),
      schedule: DAY_SHIFT,
      meanTemperature: 32,
      dailySwing: 3.5,
      processHeat: 1,
      meanHumidity: 70,
    })

  it('is hot in the afternoon and cooler before dawn, within 26–38 °C', () => {
    const day = sampleHours(climate(), 0, 24, 60_000)
    const temperatures = day.map((s) => s.temperature)
    expect(Math.min(...temperatures)).toBeGreaterThan(26)
    expect(Math.max(...temperatures)).toBeLessThan(38)
    const dawn = mean(temperatures.slice(4 * 60, 6 * 60))
    const afternoon = mean(temperatures.slice(14 * 60, 16 * 60))
    expect(afternoon - dawn).toBeGreaterThan(5)
  })

  it('has humidity falling as the temperature rises', () => {
    const day = sampleHours(climate(), 0, 24, 60_000)
    const t = day.map((s) => s.temperature)
    const h = day.map((s) => s.humidity)
    const tm = mean(t)
    const hm = mean(h)
    const covariance = mean(t.map((ti, i) => (ti - tm) * ((h[i] as number) - hm)))
    const correlation =
      covariance / Math.sqrt(mean(t.map((ti) => (ti - tm) ** 2)) * mean(h.map((hi) => (hi - hm) ** 2)))
    expect(correlation).toBeLessThan(-0.8)
    for (const humidity of h) {
      expect(humidity).toBeGreaterThanOrEqual(20)
      expect(humidity).toBeLessThanOrEqual(99)
    }
  })
})
