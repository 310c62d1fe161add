import { heatStressEstimate } from '../core/exposure/heat-stress.ts'
import { limitsFor } from '../core/limits/index.ts'
import type { FacilitySpec, SensorSpec } from './fleet.ts'
import { GASES, type GasFactorId, LEAK_PREFERENCE } from './gases.ts'
import { createClimateModel } from './models/climate.ts'
import { createDustModel } from './models/dust.ts'
import { createGasModel } from './models/gas.ts'
import { createNoiseModel, type Impact } from './models/noise.ts'
import type { Spike } from './models/spike.ts'
import type { Random } from './random.ts'
import type { ScenarioPlan } from './scenarios.ts'
import { sectorProfile } from './sectors.ts'

/** Forced events fall in this window after the start, so the breach shows within the first minute. */
const FIRST_EVENT_MS: readonly [number, number] = [5_000, 25_000]
/** The noise maximum of QCVN 24:2016/BYT, for profiles that set no ceiling of their own. */
const DEFAULT_NOISE_CEILING = 115
/** How far above the ceiling a forced impact goes: a margin no rounding can erase. */
const FORCED_IMPACT_MARGIN: readonly [number, number] = [2, 10]

/** A factor's value at `timeMs`, in its canonical unit. Times must not go backwards. */
export type FactorSampler = (timeMs: number) => number

export interface SensorSignalsOptions {
  facility: FacilitySpec
  sensor: SensorSpec
  plan: ScenarioPlan
  /** Drives the signals. */
  random: Random
  /** Sizes and times forced events; apart from `random` so a forced event leaves the signals unchanged. */
  eventRandom: Random
  startMs: number
}

/** One sampler per factor of the sensor, in the sensor's order. Factors of one device share a model. */
export function createSensorSignals(options: SensorSignalsOptions): FactorSampler[] {
  const { facility, sensor, plan, random, eventRandom, startMs } = options
  const sector = sectorProfile(facility.sector)
  const { schedule } = sector
  const forcedLeakFactor = plan.earlyExceedance
    ? LEAK_PREFERENCE.find((factor) => sensor.factors.includes(factor))
    : undefined

  const dust = lazy(() =>
    lastSample(
      createDustModel({
        random,
        schedule,
        workLevel: random.between(sector.dust.workLevel[0], sector.dust.workLevel[1]),
        respirableFraction: sector.dust.respirableFraction,
        puffsPerHour: sector.dust.puffsPerHour,
      }),
    ),
  )
  const climate = lazy(() => lastSample(createClimateModel({ random, schedule, ...sector.climate })))

  function noise(): FactorSampler {
    const { machineLevel, impactsPerHour, impactPeak } = sector.noise
    const ceiling = limitsFor(facility.profile, 'noise')?.ceiling?.value ?? DEFAULT_NOISE_CEILING
    const forcedPeak = [ceiling + FORCED_IMPACT_MARGIN[0], ceiling + FORCED_IMPACT_MARGIN[1]] as const
    const scheduledImpacts: Impact[] = plan.earlyExceedance
      ? [{ atMs: startMs + eventRandom.between(...FIRST_EVENT_MS), peak: eventRandom.between(...forcedPeak) }]
      : []
    return createNoiseModel({
      random,
      schedule,
      machineLevel: random.between(machineLevel[0], machineLevel[1]),
      impactsPerHour: impactsPerHour * plan.hazardRate,
      impactPeak: plan.earlyExceedance ? [impactPeak[0], forcedPeak[1]] : impactPeak,
      scheduledImpacts,
    })
  }

  function gas(factor: GasFactorId): FactorSampler {
    const { alarmLevel, ...behaviour } = { ...GASES[factor], ...sector.gases?.[factor] }
    const scheduledLeaks: Spike[] = []
    if (factor === forcedLeakFactor) {
      const limits = limitsFor(facility.profile, factor)
      // The short-term limit first: that is what a leak breaches.
      const limit = limits?.stel?.value ?? limits?.ceiling?.value ?? limits?.twa?.value ?? alarmLevel
      scheduledLeaks.push({
        startMs: startMs + eventRandom.between(...FIRST_EVENT_MS),
        riseMs: eventRandom.between(10_000, 20_000),
        // Several times the limit, and slow to clear, so a 15-minute average breaches it too.
        peak: behaviour.baseline + limit * eventRandom.between(3, 5),
        decayMs: eventRandom.between(300_000, 600_000),
      })
    }
    return createGasModel({
      ...behaviour,
      random,
      schedule,
      leaksPerHour: behaviour.leaksPerHour * plan.hazardRate,
      scheduledLeaks,
    })
  }

  return sensor.factors.map((factor): FactorSampler => {
    switch (factor) {
      case 'noise':
        return noise()
      case 'dust.total':
        return (timeMs) => dust()(timeMs).total
      case 'dust.respirable':
        return (timeMs) => dust()(timeMs).respirable
      case 'temperature':
        return (timeMs) => climate()(timeMs).temperature
      case 'humidity':
        return (timeMs) => climate()(timeMs).humidity
      case 'wbgt': {
        // A WBGT meter in the simulated room: the screening estimate of its air, no radiant source.
        return (timeMs) => {
          const { temperature, humidity } = climate()(timeMs)
          return heatStressEstimate(temperature, humidity).wbgtEstimateC
        }
      }
      default:
        return gas(factor)
    }
  })
}

/** Creates the value on first use, so a model exists only when a sensor has one of its factors. */
function lazy<T>(create: () => T): () => T {
  let value: T | undefined
  return () => {
    value ??= create()
    return value
  }
}

/** Several factors read from one model at the same instant must see one sample, not draw twice. */
function lastSample<T>(model: (timeMs: number) => T): (timeMs: number) => T {
  let lastMs = Number.NaN
  let last: T
  return (timeMs) => {
    if (timeMs !== lastMs) {
      last = model(timeMs)
      lastMs = timeMs
    }
    return last
  }
}
