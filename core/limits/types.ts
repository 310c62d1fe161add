import type { FactorId } from '../factors.ts'

/** A limit as the regulation writes it: the value in the regulation's own unit, and where it stands. */
export interface Threshold {
  readonly value: number
  readonly unit: string
  /** Regulation, table and row, e.g. "QCVN 24:2016/BYT, Table 1, 8 h". */
  readonly source: string
}

/** The limits of one factor in one profile. Each is optional: regulations set different kinds. */
export interface FactorLimits {
  /** 8-hour time-weighted average. */
  readonly twa?: Threshold
  /** 15-minute short-term exposure limit. */
  readonly stel?: Threshold
  /** Never to be exceeded at any instant (for noise: the maximum level). */
  readonly ceiling?: Threshold
  /** Immediately dangerous to life or health. */
  readonly idlh?: Threshold
  /** Below this a value is unsafe too (oxygen deficiency, cold). */
  readonly floor?: Threshold
  /** Limit on the 1-hour time-weighted mean (heat stress: ISO 7243's reference WBGT). */
  readonly hourMean?: Threshold
  /** The 1-hour mean at which a warning is due, below `hourMean`. */
  readonly hourMeanAction?: Threshold
}

/**
 * How a regulation turns noise levels into a dose: 100 % at `criterionLevel` for 8 h, and each
 * `exchangeRate` dB more halves the allowed time (3 dB: equal energy; OSHA: 5 dB).
 */
export interface NoiseCriteria {
  readonly criterionLevel: Threshold
  readonly exchangeRate: Threshold
  /** Levels below this do not enter the dose; absent, every level does. */
  readonly threshold?: Threshold
  /** The 8-h level at which the first duties start (hearing conservation, information): a warning. */
  readonly actionLevel?: Threshold
  /** The threshold of the dose compared with the action level, where it differs from `threshold`. */
  readonly actionThreshold?: Threshold
}

/** A named kind of workplace inside one jurisdiction with stricter limits (an office under QCVN 24, Table 2). */
export interface LimitVariant {
  readonly name: string
  readonly factors?: Partial<Record<FactorId, FactorLimits>>
  readonly noise?: Partial<NoiseCriteria>
}

export interface LimitProfile {
  readonly id: string
  readonly name: string
  /** Noise limits other than the 8-h level, which is `noise.criterionLevel`. */
  readonly factors: Partial<Record<FactorId, FactorLimits>>
  readonly noise?: NoiseCriteria
  readonly variants?: Readonly<Record<string, LimitVariant>>
}

/**
 * A facility's own change to its profile for one zone or sensor, kept as data in the registry.
 * Overrides apply in order (zone, then sensor); each kind of limit replaces the profile's.
 */
export interface LimitOverride {
  /** One of the profile's variants, e.g. `office` for QCVN 24's 65 dBA. */
  readonly variant?: string
  /** Limits the facility sets itself; the source says why (risk assessment, permit, client contract). */
  readonly factors?: Partial<Record<FactorId, FactorLimits>>
  readonly noise?: Partial<NoiseCriteria>
}
