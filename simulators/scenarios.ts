import type { FaultPlan } from './faults.ts'

export interface ScenarioPlan {
  description: string
  /** Multiplies the rates of leaks and noise impacts. */
  hazardRate: number
  /**
   * Whether every sensor with a limited hazard breaches a limit within its first simulated minute:
   * a gas leak several times its STEL or ceiling, an impact above the noise maximum.
   */
  earlyExceedance: boolean
  /** Bad messages and silences; none when absent. */
  faults?: FaultPlan
}

export const SCENARIOS = {
  normal: {
    description: 'a working day: shifts, machines cycling, rare small leaks; mostly under the limits',
    hazardRate: 1,
    earlyExceedance: false,
  },
  exceedance: {
    description:
      'a gas leak well above its limit and impacts above 115 dBA within the first minute, then more often',
    hazardRate: 5,
    earlyExceedance: true,
  },
  faulty: {
    description:
      'normal signals, but one message in ten malformed JSON, out of range, in a wrong unit or for an unknown factor, and sensors falling silent',
    hazardRate: 1,
    earlyExceedance: false,
    faults: { badMessageShare: 0.1, silencesPerHour: 20, silenceMs: [10_000, 60_000] },
  },
} as const satisfies Record<string, ScenarioPlan>

export type ScenarioId = keyof typeof SCENARIOS

export const SCENARIO_IDS = Object.keys(SCENARIOS) as [ScenarioId, ...ScenarioId[]]

export function scenarioPlan(scenario: ScenarioId): ScenarioPlan {
  return SCENARIOS[scenario]
}
