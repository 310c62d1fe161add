import type { LimitProfile } from './types.ts'

/** Vietnam's national technical regulations: quantrac's default profile. */
export const qcvn = {
  id: 'qcvn',
  name: 'Vietnam QCVN',
  factors: {
    noise: {
      twa: { value: 85, unit: 'dBA', source: 'QCVN 24:2016/BYT, Table 1, 8 h' },
      ceiling: { value: 115, unit: 'dBA', source: 'QCVN 24:2016/BYT, 2.1.1: Max at no moment above 115 dBA' },
    },
    'gas.co': {
      twa: { value: 20, unit: 'mg/m³', source: 'QCVN 03:2019/BYT, Table 1, carbon monoxide' },
      stel: { value: 40, unit: 'mg/m³', source: 'QCVN 03:2019/BYT, Table 1, carbon monoxide' },
    },
    'gas.nh3': {
      twa: { value: 17, unit: 'mg/m³', source: 'QCVN 03:2019/BYT, Table 1, ammonia' },
      stel: { value: 25, unit: 'mg/m³', source: 'QCVN 03:2019/BYT, Table 1, ammonia' },
    },
    'gas.co2': {
      twa: { value: 9000, unit: 'mg/m³', source: 'QCVN 03:2019/BYT, Table 1, carbon dioxide' },
      stel: { value: 18000, unit: 'mg/m³', source: 'QCVN 03:2019/BYT, Table 1, carbon dioxide' },
    },
    'gas.cl2': {
      twa: { value: 1.5, unit: 'mg/m³', source: 'QCVN 03:2019/BYT, Table 1, chlorine' },
      stel: { value: 3, unit: 'mg/m³', source: 'QCVN 03:2019/BYT, Table 1, chlorine' },
    },
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
    temperature: {
      ceiling: { value: 34, unit: '°C', source: 'QCVN 26:2016/BYT, Table 1, light work, upper bound' },
      floor: { value: 16, unit: '°C', source: 'QCVN 26:2016/BYT, Table 1, heavy work, lower bound' },
    },
    humidity: {
      ceiling: { value: 80, unit: '%RH', source: 'QCVN 26:2016/BYT, Table 1, relative humidity' },
      floor: { value: 40, unit: '%RH', source: 'QCVN 26:2016/BYT, Table 1, relative humidity' },
    },
  },
} as const satisfies LimitProfile
