import type { FactorId } from '../core/factors.ts'

/**
 * The simulated device models. The names are quantrac's own, not a vendor's; each mirrors a common
 * class of instrument. A device with one factor publishes single readings, one with more a batch.
 */
export const DEVICE_MODELS = {
  'QT-SLM2': { label: 'Class 2 sound level meter', factors: ['noise'] },
  'QT-DUST2': {
    label: 'Optical dust monitor, total and respirable',
    factors: ['dust.total', 'dust.respirable'],
  },
  'QT-GAS4': {
    label: '4-gas detector (CO, H₂S, O₂, LEL)',
    factors: ['gas.co', 'gas.h2s', 'gas.o2', 'gas.lel'],
  },
  'QT-CLIMA3': {
    label: 'NDIR CO₂, temperature and humidity',
    factors: ['gas.co2', 'temperature', 'humidity'],
  },
  'QT-TOX-NH3': { label: 'Fixed ammonia (NH₃) detector', factors: ['gas.nh3'] },
  'QT-TOX-SO2': { label: 'Fixed sulfur dioxide (SO₂) detector', factors: ['gas.so2'] },
  'QT-TOX-NO2': { label: 'Fixed nitrogen dioxide (NO₂) detector', factors: ['gas.no2'] },
  'QT-TOX-CL2': { label: 'Fixed chlorine (Cl₂) detector', factors: ['gas.cl2'] },
} as const satisfies Record<string, { label: string; factors: readonly FactorId[] }>

export type DeviceModelId = keyof typeof DEVICE_MODELS
