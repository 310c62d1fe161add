/**
 * The growth target of Directive 31-CT/TW (2024): monitored facilities generating hazardous factors must grow
 * by at least 5 % a year. Shorter periods are compared with the period just before, against the compounded
 * share of the annual target, so that meeting it every quarter (or month) is exactly meeting it for the year.
 */

/**
 * The growth target of a period of `months`, in percent.
 *
 * @example
 * targetPercent(12, 5) // 5
 * targetPercent(3, 5)  // 1.2272… (1.05^(1/4) − 1)
 */
export function targetPercent(months: number, annualPercent: number): number {
  const exact = ((1 + annualPercent / 100) ** (months / 12) - 1) * 100
  // 1.05 ** 1 − 1 is 0.05000000000000004: round off the binary noise, not the target.
  return Math.round(exact * 1e9) / 1e9
}

export const VERDICTS = ['on-track', 'all-monitored', 'behind', 'no-hazardous-facilities'] as const
export type Verdict = (typeof VERDICTS)[number]

export interface GrowthJudgement {
  /** (monitored − previous) / previous in percent; null when nothing was monitored before. */
  growthPercent: number | null
  targetPercent: number
  /** null when there is nothing to judge: no hazardous facility. */
  onTrack: boolean | null
  verdict: Verdict
  /** Monitored facilities the period needs to reach the target: previous × (1 + target), at least 1. */
  requiredFacilities: number
  /** More facilities to monitor to be on track; 0 when on track. */
  facilitiesNeededForTarget: number
}

/**
 * Judges growth from `previous` monitored facilities to `monitored`, out of `hazardous` in the base.
 * Growth from zero is met by monitoring one facility; a base that is wholly monitored cannot grow and is on
 * track.
 */
export function judgeGrowth(input: {
  previous: number
  monitored: number
  hazardous: number
  targetPercent: number
}): GrowthJudgement {
  const { previous, monitored, hazardous } = input
  const target = input.targetPercent
  const growthPercent = previous === 0 ? null : ((monitored - previous) / previous) * 100
  // 1e-9 absorbs binary noise (20 × 1.05 = 21.000000000000004) without forgiving a real fraction.
  const requiredFacilities = previous === 0 ? 1 : Math.ceil(previous * (1 + target / 100) - 1e-9)
  if (hazardous === 0) {
    return {
      growthPercent,
      targetPercent: target,
      onTrack: null,
      verdict: 'no-hazardous-facilities',
      requiredFacilities,
      facilitiesNeededForTarget: 0,
    }
  }
  const common = { growthPercent, targetPercent: target, requiredFacilities }
  if (monitored >= hazardous) {
    return { ...common, onTrack: true, verdict: 'all-monitored', facilitiesNeededForTarget: 0 }
  }
  if (monitored >= requiredFacilities) {
    return { ...common, onTrack: true, verdict: 'on-track', facilitiesNeededForTarget: 0 }
  }
  return {
    ...common,
    onTrack: false,
    verdict: 'behind',
    facilitiesNeededForTarget: Math.min(requiredFacilities, hazardous) - monitored,
  }
}
