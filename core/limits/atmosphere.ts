import type { FactorLimits } from './types.ts'

/**
 * Oxygen deficiency and flammable gas are not exposure limits of any of the profiles' own regulations:
 * every profile borrows OSHA's confined-space definitions of a hazardous atmosphere, so that a facility
 * always hears of them.
 */
export const hazardousAtmosphere = {
  'gas.o2': {
    floor: { value: 19.5, unit: '%vol', source: 'OSHA 29 CFR 1910.146(b), oxygen deficient atmosphere' },
  },
  'gas.lel': {
    ceiling: {
      value: 10,
      unit: '%LEL',
      source: 'OSHA 29 CFR 1910.146(b), hazardous atmosphere: flammable gas above 10 % of LFL',
    },
  },
} as const satisfies Record<string, FactorLimits>
