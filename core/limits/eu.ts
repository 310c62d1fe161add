import { hazardousAtmosphere } from './atmosphere.ts'
import { heatStress } from './heat.ts'
import type { LimitProfile } from './types.ts'

const NOISE = 'Directive 2003/10/EC, Art. 3(1)'

/**
 * European Union, noise directive. The exposure limit value (87 dBA) counts the attenuation of hearing
 * protection, the action values do not: quantrac measures the room, so its LEX,8h compares with all three
 * only when nobody wears protection. The peak values (135/137/140 dBC) need a C-weighted peak channel.
 */
export const eu = {
  id: 'eu',
  name: 'EU Directive 2003/10/EC (noise)',
  noise: {
    criterionLevel: { value: 87, unit: 'dBA', source: `${NOISE}(a): exposure limit value LEX,8h 87 dBA` },
    exchangeRate: {
      value: 3,
      unit: 'dB',
      source: 'Directive 2003/10/EC, Art. 2 and ISO 1999: LEX,8h is equal-energy',
    },
    // The upper exposure action value (85 dBA, hearing protection compulsory) lies between this and the limit.
    actionLevel: { value: 80, unit: 'dBA', source: `${NOISE}(c): lower exposure action value LEX,8h 80 dBA` },
  },
  factors: {
    ...hazardousAtmosphere,
    ...heatStress,
  },
} as const satisfies LimitProfile
