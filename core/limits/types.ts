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
}

export interface LimitProfile {
  readonly id: string
  readonly name: string
  readonly factors: Partial<Record<FactorId, FactorLimits>>
}
