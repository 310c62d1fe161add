import { FACTORS, type FactorId } from '../factors.ts'
import { converterTo } from '../units.ts'
import { eu } from './eu.ts'
import { niosh } from './niosh.ts'
import { osha } from './osha.ts'
import { qcvn } from './qcvn.ts'
import type { FactorLimits, LimitOverride, LimitProfile, NoiseCriteria, Threshold } from './types.ts'

export type {
  FactorLimits,
  LimitOverride,
  LimitProfile,
  LimitVariant,
  NoiseCriteria,
  Threshold,
} from './types.ts'

export const PROFILES = { qcvn, osha, niosh, eu } as const satisfies Record<string, LimitProfile>
export type ProfileId = keyof typeof PROFILES
export const PROFILE_IDS = Object.keys(PROFILES) as [ProfileId, ...ProfileId[]]
export const DEFAULT_PROFILE: ProfileId = 'qcvn'

export function isProfileId(value: string): value is ProfileId {
  return Object.hasOwn(PROFILES, value)
}

/** Names of the workplace variants a profile offers for `LimitOverride.variant`. */
export function variantsOf(profileId: ProfileId): string[] {
  const profile: LimitProfile = PROFILES[profileId]
  return Object.keys(profile.variants ?? {})
}

/** A threshold converted to the factor's canonical unit (see factors.ts), so readings compare directly. */
export interface CanonicalThreshold {
  readonly value: number
  readonly source: string
}

export type CanonicalLimits = { readonly [K in keyof FactorLimits]?: CanonicalThreshold }

/** Noise criteria as numbers in dBA and dB, each with its source. */
export type NoiseDoseRule = { readonly [K in keyof NoiseCriteria]: CanonicalThreshold }

/** What the exposure engine needs for one factor: limits in the canonical unit, and the dose rule for noise. */
export interface ResolvedLimits extends CanonicalLimits {
  readonly noise?: NoiseDoseRule
}

const cache = new Map<string, ResolvedLimits | undefined>()

/**
 * The limits of `factor` under `profileId`, optionally in one of its workplace variants (a zone's, e.g.
 * `office`), in canonical units; undefined when the profile sets none. Cached: cheap to call per reading.
 */
export function limitsFor(
  profileId: ProfileId,
  factor: FactorId,
  variant?: string,
): ResolvedLimits | undefined {
  const key = `${profileId}:${factor}:${variant ?? ''}`
  if (cache.has(key)) return cache.get(key)
  const resolved = resolveLimits(profileId, factor, variant === undefined ? [] : [{ variant }])
  cache.set(key, resolved)
  return resolved
}

/**
 * The limits of `factor` under `profileId` once a zone's and a sensor's overrides are applied, in that order;
 * undefined when none is set. For noise the 8-h `twa` is the dose rule's criterion level.
 *
 * @example
 * // An accounting office in a Vietnamese factory: QCVN 24 Table 2 allows 65 dBA there.
 * resolveLimits('qcvn', 'noise', [{ variant: 'office' }])?.twa // { value: 65, source: 'QCVN 24:2016/BYT, Table 2, …' }
 */
export function resolveLimits(
  profileId: ProfileId,
  factor: FactorId,
  overrides: readonly LimitOverride[] = [],
): ResolvedLimits | undefined {
  const profile: LimitProfile = PROFILES[profileId]
  let limits: FactorLimits = profile.factors[factor] ?? {}
  let noise: Partial<NoiseCriteria> | undefined = factor === 'noise' ? profile.noise : undefined
  for (const override of overrides) {
    const layers = [variantOf(profile, override.variant), override]
    for (const layer of layers) {
      if (layer === undefined) continue
      limits = { ...limits, ...layer.factors?.[factor] }
      if (factor === 'noise' && layer.noise !== undefined) noise = { ...noise, ...layer.noise }
    }
  }
  const rule = noise === undefined ? undefined : noiseDoseRule(profileId, noise)
  if (rule !== undefined) limits = { twa: { ...rule.criterionLevel, unit: 'dBA' }, ...limits }
  const canonical = toCanonical(factor, limits)
  if (rule === undefined) return Object.keys(canonical).length === 0 ? undefined : canonical
  return { ...canonical, noise: rule }
}

function variantOf(profile: LimitProfile, name: string | undefined) {
  if (name === undefined) return undefined
  const variant = profile.variants?.[name]
  if (variant === undefined) {
    const known = Object.keys(profile.variants ?? {}).join(', ') || 'none'
    throw new Error(`profile ${profile.id} has no variant "${name}" (known: ${known})`)
  }
  return variant
}

function noiseDoseRule(profileId: ProfileId, noise: Partial<NoiseCriteria>): NoiseDoseRule {
  const { criterionLevel, exchangeRate } = noise
  if (criterionLevel === undefined || exchangeRate === undefined) {
    throw new Error(`noise criteria of ${profileId} need a criterion level and an exchange rate`)
  }
  const rule: Record<string, CanonicalThreshold> = {}
  for (const [name, threshold] of Object.entries(noise) as [keyof NoiseCriteria, Threshold][]) {
    const expected = name === 'exchangeRate' ? 'dB' : 'dBA'
    if (threshold.unit !== expected) {
      throw new Error(`noise ${name} of ${profileId} is in ${threshold.unit}, expected ${expected}`)
    }
    rule[name] = { value: threshold.value, source: threshold.source }
  }
  return rule as NoiseDoseRule
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
