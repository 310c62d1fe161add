// @ts-check
// How close a reading is to its limits, as one percentage and a colour: green below 50 %, amber below
// 100 %, red from 100 %. Pure functions, no DOM, so the rules can be read and checked on their own.
//
// A plain ratio value / limit is only meaningful on a ratio scale (ppm, mg/m³, %LEL). The other factors
// need their own reading of "% of the limit":
// - noise is in decibels: the percentage is the sound energy relative to the limit, 2^((L − limit) / q)
//   with the profile's exchange rate q (3 dB under QCVN 24), i.e. the dose rate if the level went on;
//   85 dBA is 100 % of an 85 dBA 8-h limit, 82 dBA is 50 %, 88 dBA is 200 %.
// - a band (temperature, humidity: a floor and a ceiling) is judged from its middle: the middle is 0 %,
//   either edge 100 %. A ratio of degrees Celsius would mean nothing.
// - a floor alone (oxygen) is judged from the normal value down to the floor: 20.9 %vol is 0 %, the
//   19.5 %vol floor 100 %. A plain floor / value would put normal air at 93 %.
// Of several limits (an 8-h TWA and a STEL) the one nearest to being reached sets the tile's colour, except
// that a breached instantaneous limit (ceiling, floor, IDLH) always shows, as it is what raises the alert.

/** The value a factor has when nothing is wrong, for factors judged towards a floor. */
/** @type {Record<string, number>} */
const NORMAL = { 'gas.o2': 20.9 }

const ABOVE_KINDS = ['idlh', 'ceiling', 'stel', 'twa']
const INSTANT_KINDS = ['idlh', 'ceiling', 'floor', 'band']

/**
 * @param {string} factor
 * @param {number} value in the factor's canonical unit
 * @param {Record<string, any> | undefined} limits one entry of GET /api/v1/limits: {twa?, stel?, ceiling?, floor?, idlh?, exchangeRate?}
 * @returns {{percent: number, kind: string, limit: number, upper?: number, status: 'ok'|'near'|'over'} | undefined}
 *   undefined when the profile sets no limit for the factor
 */
export function assess(factor, value, limits) {
  if (limits === undefined || !Number.isFinite(value)) return undefined
  /** @type {{percent: number, kind: string, limit: number, upper?: number}[]} */
  const candidates = []
  const { floor, ceiling } = limits
  if (floor !== undefined && ceiling !== undefined && ceiling.value > floor.value) {
    const middle = (floor.value + ceiling.value) / 2
    const half = (ceiling.value - floor.value) / 2
    candidates.push({
      percent: (100 * Math.abs(value - middle)) / half,
      kind: 'band',
      limit: floor.value,
      upper: ceiling.value,
    })
  } else {
    if (floor !== undefined)
      candidates.push({
        percent: floorPercent(factor, value, floor.value),
        kind: 'floor',
        limit: floor.value,
      })
    if (ceiling !== undefined) candidates.push(abovePercent(factor, value, 'ceiling', ceiling.value, limits))
  }
  for (const kind of ABOVE_KINDS) {
    if (kind === 'ceiling' || limits[kind] === undefined) continue
    candidates.push(abovePercent(factor, value, kind, limits[kind].value, limits))
  }
  const [first] = candidates
  if (first === undefined) return undefined
  // A breached instantaneous limit is what ingest alerts on: show that one, not the 8-h level it also exceeds.
  const breached = INSTANT_KINDS.map((kind) => candidates.find((c) => c.kind === kind && c.percent >= 100))
  let worst = breached.find((c) => c !== undefined) ?? first
  if (breached.every((c) => c === undefined)) {
    for (const candidate of candidates) if (candidate.percent > worst.percent) worst = candidate
  }
  return { ...worst, status: statusOf(worst.percent) }
}

/**
 * A 1-hour mean WBGT against the profile's reference value (ISO 7243): over from the limit, near from the
 * action value (the reference for workers not acclimatised), else ok. No percentage: a ratio of degrees
 * Celsius means nothing, and the tile says the value and the limit instead.
 * @param {number | undefined} value °C
 * @param {Record<string, any> | undefined} limits one entry of GET /api/v1/limits
 * @returns {{kind: 'hourMean', limit: number, status: 'ok'|'near'|'over'} | undefined}
 */
export function assessHourMean(value, limits) {
  const limit = limits?.hourMean?.value
  if (limit === undefined || value === undefined || !Number.isFinite(value)) return undefined
  const action = limits?.hourMeanAction?.value
  const status = value >= limit ? 'over' : action !== undefined && value >= action ? 'near' : 'ok'
  return { kind: 'hourMean', limit, status }
}

/** @param {number} percent */
export function statusOf(percent) {
  if (percent >= 100) return 'over'
  if (percent >= 50) return 'near'
  return 'ok'
}

/**
 * @param {string} factor
 * @param {number} value
 * @param {string} kind
 * @param {number} limit
 * @param {Record<string, any>} limits
 */
function abovePercent(factor, value, kind, limit, limits) {
  if (factor === 'noise') {
    const exchangeRate = limits.exchangeRate?.value ?? 3
    return { percent: 100 * 2 ** ((value - limit) / exchangeRate), kind, limit }
  }
  return { percent: limit > 0 ? (100 * Math.max(value, 0)) / limit : 0, kind, limit }
}

/**
 * @param {string} factor
 * @param {number} value
 * @param {number} floor
 */
function floorPercent(factor, value, floor) {
  const normal = NORMAL[factor]
  if (normal !== undefined && normal > floor) return (100 * Math.max(normal - value, 0)) / (normal - floor)
  return value > 0 ? (100 * floor) / value : Number.POSITIVE_INFINITY
}

/** Digits worth showing for a value of this size: 84.2 dBA, 17.5 ppm, 1.03 ppm, 0.517 ppm, 5000 ppm. */
/** @param {number} value */
export function digitsFor(value) {
  const size = Math.abs(value)
  if (size >= 100) return 0
  if (size >= 10) return 1
  if (size >= 1) return 2
  return 3
}
