/**
 * A heat-stress SCREENING estimate from air temperature and relative humidity alone. It ignores radiant
 * heat and air movement, which a WBGT measurement (globe and natural wet-bulb thermometers) includes, so it
 * may understate heat stress near furnaces or in the sun: never a compliance figure, only a prompt to measure.
 */
export interface HeatStressEstimate {
  /** NWS heat index (Rothfusz regression), °C. */
  readonly heatIndexC: number
  /** WBGT estimated from the heat index: `−0.0034·HI² + 0.96·HI − 34` (HI in °F), °C. */
  readonly wbgtEstimateC: number
}

export function heatStressEstimate(temperatureC: number, relativeHumidity: number): HeatStressEstimate {
  const heatIndexF = heatIndexFahrenheit(temperatureC * 1.8 + 32, relativeHumidity)
  return {
    heatIndexC: (heatIndexF - 32) / 1.8,
    wbgtEstimateC: -0.0034 * heatIndexF ** 2 + 0.96 * heatIndexF - 34,
  }
}

/** US National Weather Service heat index, with its simple formula below 80 °F and its two adjustments. */
function heatIndexFahrenheit(t: number, rh: number): number {
  const simple = 0.5 * (t + 61 + (t - 68) * 1.2 + rh * 0.094)
  if ((simple + t) / 2 < 80) return simple
  let hi =
    -42.379 +
    2.04901523 * t +
    10.14333127 * rh -
    0.22475541 * t * rh -
    0.00683783 * t * t -
    0.05481717 * rh * rh +
    0.00122874 * t * t * rh +
    0.00085282 * t * rh * rh -
    0.00000199 * t * t * rh * rh
  if (rh < 13 && t > 80 && t < 112) hi -= ((13 - rh) / 4) * Math.sqrt((17 - Math.abs(t - 95)) / 17)
  else if (rh > 85 && t > 80 && t < 87) hi += ((rh - 85) / 10) * ((87 - t) / 5)
  return hi
}

/** A temperature and a humidity reading further apart than this are not paired into an estimate. */
export const MAX_PAIRING_GAP_MS = 5 * 60_000

/**
 * Pairs one place's latest temperature and humidity into a WBGT estimate each time either arrives. When
 * both come in one message, the first of them is paired with the other's previous value: a lag of one
 * reporting interval, which a 1-hour mean hardly feels.
 */
export class WbgtEstimator {
  #temperatureTime = Number.NEGATIVE_INFINITY
  #temperature = 0
  #humidityTime = Number.NEGATIVE_INFINITY
  #humidity = 0

  /** The estimated WBGT, °C, at `time`; undefined until both are known within MAX_PAIRING_GAP_MS. */
  observe(factor: 'temperature' | 'humidity', time: number, value: number): number | undefined {
    if (factor === 'temperature') {
      this.#temperatureTime = time
      this.#temperature = value
    } else {
      this.#humidityTime = time
      this.#humidity = value
    }
    if (Math.abs(this.#temperatureTime - this.#humidityTime) > MAX_PAIRING_GAP_MS) return undefined
    return heatStressEstimate(this.#temperature, this.#humidity).wbgtEstimateC
  }
}
