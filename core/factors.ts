/**
 * The factor catalogue: every hazardous factor quantrac measures, the unit it is stored in and the
 * range a working sensor can physically report. Values outside the range are sensor faults, not exposure.
 *
 * Gases are stored in ppm because that is what electrochemical and NDIR sensors measure; limits written in
 * mg/m³ (Vietnam's QCVN 03:2019/BYT) are converted once, when a limit profile is loaded.
 */
export const FACTORS = {
  noise: { unit: 'dBA', label: 'Noise level', min: 0, max: 194 },
  'dust.total': { unit: 'mg/m³', label: 'Total dust', min: 0, max: 10_000 },
  'dust.respirable': { unit: 'mg/m³', label: 'Respirable dust', min: 0, max: 10_000 },
  // Molecular weights in g/mol, as listed in QCVN 03:2019/BYT (CO, NH3, CO2, Cl2, NO2) or IUPAC atomic weights.
  'gas.co': { unit: 'ppm', label: 'Carbon monoxide (CO)', min: 0, max: 100_000, molecularWeight: 28.01 },
  'gas.h2s': { unit: 'ppm', label: 'Hydrogen sulfide (H₂S)', min: 0, max: 100_000, molecularWeight: 34.08 },
  'gas.nh3': { unit: 'ppm', label: 'Ammonia (NH₃)', min: 0, max: 100_000, molecularWeight: 17.03 },
  'gas.so2': { unit: 'ppm', label: 'Sulfur dioxide (SO₂)', min: 0, max: 100_000, molecularWeight: 64.07 },
  'gas.no2': { unit: 'ppm', label: 'Nitrogen dioxide (NO₂)', min: 0, max: 100_000, molecularWeight: 46.01 },
  'gas.cl2': { unit: 'ppm', label: 'Chlorine (Cl₂)', min: 0, max: 100_000, molecularWeight: 70.9 },
  'gas.co2': { unit: 'ppm', label: 'Carbon dioxide (CO₂)', min: 0, max: 1_000_000, molecularWeight: 44.01 },
  'gas.o2': { unit: '%vol', label: 'Oxygen (O₂)', min: 0, max: 100 },
  'gas.lel': { unit: '%LEL', label: 'Flammable gas (% of LEL)', min: 0, max: 100 },
  temperature: { unit: '°C', label: 'Air temperature', min: -60, max: 150, clearMargin: 1 },
  humidity: { unit: '%RH', label: 'Relative humidity', min: 0, max: 100 },
  // Measured by a WBGT meter, or estimated by ingest from temperature and humidity (core/exposure/heat-stress.ts).
  wbgt: { unit: '°C', label: 'Wet-bulb globe temperature (WBGT)', min: -40, max: 80, clearMargin: 1 },
} as const satisfies Record<string, FactorDefinition>

export interface FactorDefinition {
  /** The canonical unit readings are stored and evaluated in. */
  readonly unit: string
  readonly label: string
  /** Physically plausible range in the canonical unit; anything outside is rejected as out of range. */
  readonly min: number
  readonly max: number
  /** g/mol, for ppm ↔ mg/m³ conversion of gases. */
  readonly molecularWeight?: number
  /**
   * On an interval scale (°C) a share of a limit means nothing (90 % of 34 °C is 30.6 °C): an alert clears
   * this far inside its limit instead, in the canonical unit.
   */
  readonly clearMargin?: number
}

export type FactorId = keyof typeof FACTORS

export const FACTOR_IDS = Object.keys(FACTORS) as [FactorId, ...FactorId[]]

export function isFactorId(value: string): value is FactorId {
  return Object.hasOwn(FACTORS, value)
}
