import { hazardousAtmosphere } from './atmosphere.ts'
import { heatStress } from './heat.ts'
import type { LimitProfile } from './types.ts'

const NOISE = '29 CFR 1910.95'
// Values as listed, with the current PEL, on NIOSH's IDLH documentation pages.
const Z1 = '29 CFR 1910.1000, Table Z-1'
const Z2 = '29 CFR 1910.1000, Table Z-2'

/** United States, OSHA permissible exposure limits. */
export const osha = {
  id: 'osha',
  name: 'US OSHA PEL',
  noise: {
    criterionLevel: { value: 90, unit: 'dBA', source: `${NOISE}(b)(1), Table G-16, 8 h` },
    exchangeRate: { value: 5, unit: 'dB', source: `${NOISE}, Table G-16 and Appendix A: 5 dB` },
    threshold: {
      value: 90,
      unit: 'dBA',
      source: `${NOISE}, Table G-16: levels from 90 dBA enter the PEL dose`,
    },
    actionLevel: { value: 85, unit: 'dBA', source: `${NOISE}(c)(1): action level 85 dBA TWA (50 % dose)` },
    actionThreshold: {
      value: 80,
      unit: 'dBA',
      source: `${NOISE}(d)(2)(i): levels from 80 dBA enter the action-level dose`,
    },
  },
  factors: {
    noise: {
      ceiling: {
        value: 115,
        unit: 'dBA',
        source: `${NOISE}, Table G-16: 115 dBA, 0.25 h or less, highest level`,
      },
    },
    'gas.co': { twa: { value: 50, unit: 'ppm', source: `${Z1}, carbon monoxide` } },
    'gas.co2': { twa: { value: 5000, unit: 'ppm', source: `${Z1}, carbon dioxide` } },
    'gas.nh3': { twa: { value: 50, unit: 'ppm', source: `${Z1}, ammonia` } },
    'gas.cl2': { ceiling: { value: 1, unit: 'ppm', source: `${Z1}, chlorine (C)` } },
    'gas.no2': { ceiling: { value: 5, unit: 'ppm', source: `${Z1}, nitrogen dioxide (C)` } },
    'gas.so2': { twa: { value: 5, unit: 'ppm', source: `${Z1}, sulfur dioxide` } },
    // Table Z-2 also allows one 10-minute peak of 50 ppm a shift: not modelled, the ceiling is checked as such.
    'gas.h2s': { ceiling: { value: 20, unit: 'ppm', source: `${Z2}, hydrogen sulfide, acceptable ceiling` } },
    'dust.total': {
      twa: { value: 15, unit: 'mg/m³', source: `${Z1}, particulates not otherwise regulated, total dust` },
    },
    'dust.respirable': {
      twa: {
        value: 5,
        unit: 'mg/m³',
        source: `${Z1}, particulates not otherwise regulated, respirable fraction`,
      },
    },
    ...hazardousAtmosphere,
    ...heatStress,
  },
} as const satisfies LimitProfile
