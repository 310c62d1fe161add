import { FACTORS, type FactorDefinition, type FactorId } from './factors.ts'

/**
 * Molar volume of an ideal gas at 25 °C and 101.325 kPa, in litres: the reference conditions of
 * occupational exposure limits (OSHA, NIOSH and QCVN 03:2019/BYT alike): mg/m³ = ppm · MW / 24.45.
 */
export const MOLAR_VOLUME_25C = 24.45

type Converter = (value: number) => number

const identity: Converter = (value) => value

/** Spellings sensors use for the same unit, mapped to one symbol. Keys are lower-cased. */
const UNIT_SYMBOLS: Record<string, string> = {
  dba: 'dBA',
  'db(a)': 'dBA',
  'db a': 'dBA',
  ppm: 'ppm',
  ppb: 'ppb',
  'mg/m3': 'mg/m³',
  'mg/m³': 'mg/m³',
  'µg/m3': 'µg/m³',
  'µg/m³': 'µg/m³',
  'ug/m3': 'µg/m³',
  'ug/m³': 'µg/m³',
  '%vol': '%vol',
  'vol%': '%vol',
  '%': '%',
  '%lel': '%LEL',
  lel: '%LEL',
  '°c': '°C',
  c: '°C',
  degc: '°C',
  '°f': '°F',
  f: '°F',
  degf: '°F',
  k: 'K',
  '%rh': '%RH',
  rh: '%RH',
}

export function unitSymbol(unit: string): string | undefined {
  return UNIT_SYMBOLS[unit.trim().toLowerCase()]
}

function convertersFor(factor: FactorDefinition): Map<string, Converter> {
  const converters = new Map<string, Converter>([[factor.unit, identity]])
  switch (factor.unit) {
    case 'ppm': {
      const mw = factor.molecularWeight
      converters.set('ppb', (v) => v / 1000)
      if (mw !== undefined) {
        converters.set('mg/m³', (v) => mgPerCubicMetreToPpm(v, mw))
        converters.set('µg/m³', (v) => mgPerCubicMetreToPpm(v / 1000, mw))
      }
      break
    }
    case 'mg/m³':
      converters.set('µg/m³', (v) => v / 1000)
      break
    case '%vol':
      converters.set('%', identity)
      break
    case '°C':
      converters.set('°F', (v) => ((v - 32) * 5) / 9)
      converters.set('K', (v) => v - 273.15)
      break
    case '%RH':
      converters.set('%', identity)
      break
  }
  return converters
}

const CONVERTERS = new Map<FactorId, Map<string, Converter>>(
  (Object.keys(FACTORS) as FactorId[]).map((id) => [id, convertersFor(FACTORS[id])]),
)

/**
 * Returns the function that converts a value in `unit` to the factor's canonical unit,
 * or undefined when that unit cannot express the factor (dBA for a gas, ppm for dust…).
 * Looked up once per reading without allocating.
 */
export function converterTo(factor: FactorId, unit: string): Converter | undefined {
  const symbol = UNIT_SYMBOLS[unit] ?? unitSymbol(unit)
  return symbol === undefined ? undefined : CONVERTERS.get(factor)?.get(symbol)
}

/** Units a reading of this factor may be sent in, canonical first. */
export function acceptedUnits(factor: FactorId): string[] {
  return [...(CONVERTERS.get(factor)?.keys() ?? [])]
}

export function ppmToMgPerCubicMetre(ppm: number, molecularWeight: number): number {
  return (ppm * molecularWeight) / MOLAR_VOLUME_25C
}

export function mgPerCubicMetreToPpm(mgPerCubicMetre: number, molecularWeight: number): number {
  return (mgPerCubicMetre * MOLAR_VOLUME_25C) / molecularWeight
}
