import type { FactorId } from '../core/factors.ts'
import type { GasBehaviour } from './models/gas.ts'

export type GasFactorId = Extract<FactorId, `gas.${string}`>

/**
 * How each gas behaves by default, in its canonical unit, before a sector's own air is applied.
 * `alarmLevel` is a typical detector alarm set point, used to size a forced leak when the limit profile
 * sets no limit for the gas.
 */
export const GASES: Record<GasFactorId, GasBehaviour & { alarmLevel: number }> = {
  'gas.co': {
    baseline: 1,
    workRise: 3,
    jitter: 0.3,
    wander: 0.5,
    leaksPerHour: 0.5,
    leakPeak: [5, 30],
    direction: 1,
    alarmLevel: 35,
  },
  'gas.h2s': {
    baseline: 0.05,
    workRise: 0.1,
    jitter: 0.05,
    wander: 0.05,
    leaksPerHour: 0.3,
    leakPeak: [1, 5],
    direction: 1,
    alarmLevel: 10,
  },
  'gas.nh3': {
    baseline: 1,
    workRise: 3,
    jitter: 0.3,
    wander: 0.5,
    leaksPerHour: 0.5,
    leakPeak: [5, 20],
    direction: 1,
    alarmLevel: 25,
  },
  'gas.so2': {
    baseline: 0.1,
    workRise: 0.3,
    jitter: 0.05,
    wander: 0.1,
    leaksPerHour: 0.3,
    leakPeak: [0.5, 2],
    direction: 1,
    alarmLevel: 2,
  },
  'gas.no2': {
    baseline: 0.05,
    workRise: 0.2,
    jitter: 0.03,
    wander: 0.05,
    leaksPerHour: 0.3,
    leakPeak: [0.3, 1.5],
    direction: 1,
    alarmLevel: 3,
  },
  'gas.cl2': {
    baseline: 0.02,
    workRise: 0,
    jitter: 0.02,
    wander: 0.02,
    leaksPerHour: 0.2,
    leakPeak: [0.1, 0.4],
    direction: 1,
    alarmLevel: 0.5,
  },
  // Outdoor air is ~420 ppm; people and combustion in a busy hall push it past 1000.
  'gas.co2': {
    baseline: 450,
    floor: 400,
    workRise: 800,
    jitter: 10,
    wander: 50,
    leaksPerHour: 0,
    leakPeak: [0, 0],
    direction: 1,
    alarmLevel: 5000,
  },
  // Leaks of other gases displace oxygen: a dip, not a rise.
  'gas.o2': {
    baseline: 20.9,
    workRise: 0,
    jitter: 0.03,
    wander: 0.05,
    leaksPerHour: 0.2,
    leakPeak: [0.2, 0.8],
    direction: -1,
    alarmLevel: 19.5,
  },
  'gas.lel': {
    baseline: 0,
    workRise: 0,
    jitter: 0.3,
    wander: 0.2,
    leaksPerHour: 0.3,
    leakPeak: [2, 8],
    direction: 1,
    alarmLevel: 10,
  },
}

/** Which gas a detector leaks first when a scenario forces an exceedance: the most common hazard first. */
export const LEAK_PREFERENCE: readonly GasFactorId[] = [
  'gas.co',
  'gas.nh3',
  'gas.cl2',
  'gas.lel',
  'gas.h2s',
  'gas.so2',
  'gas.no2',
]
