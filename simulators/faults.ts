import type { SensorPayload } from '../core/contract.ts'
import { FACTORS, type FactorId, isFactorId } from '../core/factors.ts'
import { converterTo } from '../core/units.ts'
import type { Random } from './random.ts'

/** The kinds of bad message a faulty sensor sends. Silence is a fault too, but sends nothing. */
export const FAULT_KINDS = ['malformed-json', 'out-of-range', 'wrong-unit', 'unknown-factor'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export interface FaultPlan {
  /** Share of messages sent deliberately bad. */
  badMessageShare: number
  /** Mean rate at which a sensor falls silent. */
  silencesPerHour: number
  /** How long a silence lasts, ms. */
  silenceMs: readonly [min: number, max: number]
}

export interface FaultInjector {
  /** Whether the sensor is silent at `timeMs`; times must not go backwards. */
  isSilent(timeMs: number): boolean
  /** The fault to give the next message, if any. */
  nextFault(): FaultKind | undefined
}

export function createFaultInjector(random: Random, plan: FaultPlan): FaultInjector {
  let silentUntil = Number.NEGATIVE_INFINITY
  let lastMs: number | undefined
  return {
    isSilent(timeMs) {
      const stepMs = lastMs === undefined ? 0 : Math.max(0, timeMs - lastMs)
      lastMs = timeMs
      if (timeMs < silentUntil) return true
      if (random.chance(1 - Math.exp((-plan.silencesPerHour * stepMs) / 3_600_000))) {
        silentUntil = timeMs + random.between(plan.silenceMs[0], plan.silenceMs[1])
        return true
      }
      return false
    },
    nextFault() {
      return random.chance(plan.badMessageShare) ? random.pick(FAULT_KINDS) : undefined
    },
  }
}

/** Channels sensors are often fitted with that quantrac does not know. */
const UNKNOWN_FACTORS = ['gas.ch4', 'gas.voc', 'vibration', 'pm2.5', 'radiation'] as const
/** Units a misconfigured device may send; each is wrong for some factors. */
const CANDIDATE_UNITS = ['dBA', 'ppm', 'mg/m³', '%RH', '°C', '%LEL', 'Pa', 'lux', 'm/s²'] as const
/** Values firmware sends when a channel breaks: an unsigned 16-bit overflow, a conversion gone negative. */
const BROKEN_CHANNEL_VALUES = [65_535, -1, -9_999] as const

/** A reading as it goes on the wire, loose enough to carry a factor the contract does not know. */
interface WireReading {
  factor: string
  value: number
  unit: string
  ts?: string | number
}

/** Bytes of a message the sensor meant to send as `payload`, spoiled the way `kind` says. */
export function spoilPayload(payload: SensorPayload, kind: FaultKind, random: Random): string {
  if (kind === 'malformed-json') return malformedJson(payload, random)
  const readings: WireReading[] =
    'readings' in payload ? payload.readings.map((r) => ({ ...r })) : [{ ...payload }]
  const victim = random.pick(readings)
  const factor = victim.factor as FactorId
  switch (kind) {
    case 'out-of-range':
      victim.value = outOfRangeValue(factor, random)
      break
    case 'wrong-unit':
      victim.unit = random.pick(CANDIDATE_UNITS.filter((unit) => converterTo(factor, unit) === undefined))
      break
    case 'unknown-factor':
      victim.factor = random.pick(UNKNOWN_FACTORS.filter((name) => !isFactorId(name)))
      break
  }
  return JSON.stringify('readings' in payload ? { ...payload, readings } : readings[0])
}

function malformedJson(payload: SensorPayload, random: Random): string {
  const json = JSON.stringify(payload)
  switch (random.integer(0, 2)) {
    case 0:
      // A frame cut short by a flaky link or a buffer too small.
      return json.slice(0, random.integer(1, json.length - 1))
    case 1:
      // printf of a failed measurement: NaN is not JSON.
      return json.replace(/"value":[^,}]+/, '"value":NaN')
    default:
      return 'ERR SENSOR TIMEOUT'
  }
}

function outOfRangeValue(factor: FactorId, random: Random): number {
  const { min, max } = FACTORS[factor]
  const broken = BROKEN_CHANNEL_VALUES.filter((value) => value < min || value > max)
  if (broken.length > 0 && random.chance(0.5)) return random.pick(broken)
  return random.chance(0.5)
    ? max + 1 + Math.round(max * random.next())
    : min - 1 - Math.round(10 * random.next())
}
