import type { FactorLimits } from './types.ts'

/**
 * Reference WBGT values by metabolic rate class, °C, from ISO 7243:1989 (Annex A, Table A.1): the 1-hour
 * time-weighted mean WBGT above which heat stress must be reduced or assessed in detail. Classes 3 and 4
 * give a second pair "with sensible air movement" (26/23 and 25/20); quantrac measures no air speed, so it
 * takes the still-air pair, the stricter one.
 */
const ISO_7243_REFERENCE = {
  0: { acclimatised: 33, unacclimatised: 32, name: 'resting' },
  1: { acclimatised: 30, unacclimatised: 29, name: 'low metabolic rate' },
  2: { acclimatised: 28, unacclimatised: 26, name: 'moderate metabolic rate' },
  3: { acclimatised: 25, unacclimatised: 22, name: 'high metabolic rate, no sensible air movement' },
  4: { acclimatised: 23, unacclimatised: 18, name: 'very high metabolic rate, no sensible air movement' },
} as const

export type MetabolicClass = keyof typeof ISO_7243_REFERENCE

/**
 * WBGT limits for work of one metabolic class: the reference value for acclimatised workers is the limit
 * (`hourMean`, an alarm), the lower one for workers not acclimatised the action value (`hourMeanAction`, a
 * warning), since a site seldom knows who among its workers is acclimatised.
 */
export function wbgtLimits(metabolicClass: MetabolicClass, why = ''): { wbgt: FactorLimits } {
  const reference = ISO_7243_REFERENCE[metabolicClass]
  const source = `ISO 7243:1989, Annex A, Table A.1, metabolic rate class ${metabolicClass} (${reference.name})${why}`
  return {
    wbgt: {
      hourMean: { value: reference.acclimatised, unit: '°C', source: `${source}, acclimatised` },
      hourMeanAction: { value: reference.unacclimatised, unit: '°C', source: `${source}, not acclimatised` },
    },
  }
}

/**
 * No profile's own regulation in quantrac sets a WBGT limit yet (QCVN 26:2016/BYT's table is still to be
 * sourced; OSHA has no heat standard): every profile borrows ISO 7243 for light work (class 1) unless a zone
 * says otherwise, as it takes the widest temperature band of QCVN 26 by default.
 */
export const heatStress = wbgtLimits(1, ', default work class')
