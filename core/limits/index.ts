import { FACTORS, type FactorId } from '../factors.ts'
import { converterTo } from '../units.ts'
import { qcvn } from './qcvn.ts'
import type { FactorLimits, LimitProfile, Threshold } from './types.ts'

export type { FactorLimits, LimitProfile, Threshold } from './types.ts'

export const PROFILES = { qcvn } as const satisfies Record<string, LimitProfile>
export type ProfileId = keyof typeof PROFILES
export const PROFILE_IDS = Object.keys(PROFILES) as [ProfileId, ...ProfileId[]]
export const DEFAULT_PROFILE: ProfileId = 'qcvn'

export function isProfileId(value: string): value is ProfileId {
  return Object.hasOwn(PROFILES, value)
}

/** A threshold converted to the factor's canonical unit (see factors.ts), so readings compare directly. */
export interface CanonicalThreshold {
  readonly value: number
  readonly source: string
}

export type CanonicalLimits = { readonly [K in keyof FactorLimits]?: CanonicalThreshold }

const cache = new Map<string, CanonicalLimits | undefined>()

/** The limits of `factor` under `profileId`, in canonical units; undefined when the profile sets none. */
export function limitsFor(profileId: ProfileId, factor: FactorId): CanonicalLimits | undefined {
  const key = `${profileId}:${factor}`
  if (cache.has(key)) return cache.get(key)
  const limits: FactorLimits | undefined = (PROFILES[profileId].factors as LimitProfile['factors'])[factor]
  const canonical = limits === undefined ? undefined : toCanonical(factor, limits)
  cache.set(key, canonical)
  return canonical
}

function toCanonical(factor: FactorId, limits: FactorLimits): CanonicalLimits {
  const result: Record<string, CanonicalThreshold> = {}
  for (const [kind, threshold] of Object.entries(limits) as [keyof FactorLimits, Threshold][]) {
    const convert = converterTo(factor, threshold.unit)
    if (convert === undefined) {
      // A profile with a unit its factor cannot take is a programming error: fail loudly at first use.
      throw new Error(
        `limit ${kind} of ${factor} is in ${threshold.unit}, not convertible to ${FACTORS[factor].unit}`,
      )
    }
    result[kind] = { value: convert(threshold.value), source: threshold.source }
  }
  return result
}
