import { hazardousAtmosphere } from './atmosphere.ts'
import { heatStress } from './heat.ts'
import type { LimitProfile } from './types.ts'

const REL = 'NIOSH REL'
const IDLH = 'NIOSH IDLH'

/** United States, NIOSH recommended exposure limits: stricter than OSHA's, and not enforceable. */
export const niosh = {
  id: 'niosh',
  name: 'US NIOSH REL',
  noise: {
    criterionLevel: { value: 85, unit: 'dBA', source: `${REL} (noise, DHHS 98-126): 85 dBA, 8-h TWA` },
    exchangeRate: { value: 3, unit: 'dB', source: `${REL} (noise, DHHS 98-126): 3 dB exchange rate` },
  },
  factors: {
    'gas.co': {
      twa: { value: 35, unit: 'ppm', source: `${REL}, carbon monoxide, TWA` },
      ceiling: { value: 200, unit: 'ppm', source: `${REL}, carbon monoxide, C` },
      idlh: { value: 1200, unit: 'ppm', source: `${IDLH}, carbon monoxide` },
    },
    'gas.co2': {
      twa: { value: 5000, unit: 'ppm', source: `${REL}, carbon dioxide, TWA` },
      stel: { value: 30000, unit: 'ppm', source: `${REL}, carbon dioxide, ST` },
      idlh: { value: 40000, unit: 'ppm', source: `${IDLH}, carbon dioxide` },
    },
    'gas.nh3': {
      twa: { value: 25, unit: 'ppm', source: `${REL}, ammonia, TWA` },
      stel: { value: 35, unit: 'ppm', source: `${REL}, ammonia, ST` },
      idlh: { value: 300, unit: 'ppm', source: `${IDLH}, ammonia` },
    },
    'gas.cl2': {
      // A ceiling NIOSH assesses over 15 minutes: the 15-minute mean is what the STEL evaluator computes.
      stel: { value: 0.5, unit: 'ppm', source: `${REL}, chlorine, C 0.5 ppm [15-minute]` },
      idlh: { value: 10, unit: 'ppm', source: `${IDLH}, chlorine` },
    },
    'gas.no2': {
      stel: { value: 1, unit: 'ppm', source: `${REL}, nitrogen dioxide, ST` },
      idlh: { value: 20, unit: 'ppm', source: `${IDLH}, nitrogen dioxide` },
    },
    'gas.so2': {
      twa: { value: 2, unit: 'ppm', source: `${REL}, sulfur dioxide, TWA` },
      stel: { value: 5, unit: 'ppm', source: `${REL}, sulfur dioxide, ST` },
      idlh: { value: 100, unit: 'ppm', source: `${IDLH}, sulfur dioxide` },
    },
    'gas.h2s': {
      // Checked at every reading, stricter than the 10-minute sampling period NIOSH gives it.
      ceiling: { value: 10, unit: 'ppm', source: `${REL}, hydrogen sulfide, C 10 ppm [10-minute]` },
      idlh: { value: 100, unit: 'ppm', source: `${IDLH}, hydrogen sulfide` },
    },
    ...hazardousAtmosphere,
    ...heatStress,
  },
} as const satisfies LimitProfile
