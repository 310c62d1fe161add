// @ts-check
// Which interval a history chart asks the readings API for: the finest that keeps a range under a few hundred
// points, so a week is 336 half-hours and never 10,080 minutes. Pure, so it is unit-tested on its own.

const HOUR = 3_600_000
/** At most this many intervals are asked for: a week at 30 min is 336, enough for a 1000-px-wide chart. */
const TARGET_POINTS = 400
/**
 * Intervals the API takes, finest first; the first that keeps a range under TARGET_POINTS is used.
 * @type {[string, number][]}
 */
const INTERVALS = [
  ['10s', 10_000],
  ['30s', 30_000],
  ['1m', 60_000],
  ['2m', 120_000],
  ['5m', 300_000],
  ['10m', 600_000],
  ['15m', 900_000],
  ['30m', 1_800_000],
  ['1h', HOUR],
  ['2h', 2 * HOUR],
  ['6h', 6 * HOUR],
  ['12h', 12 * HOUR],
  ['1d', 24 * HOUR],
]

/**
 * The interval that keeps a span of `spanMs` under TARGET_POINTS points, as the API spells it and in ms.
 * @param {number} spanMs
 * @returns {{ name: string, ms: number }}
 */
export function intervalFor(spanMs) {
  const [name, ms] = INTERVALS.find(([, ms]) => spanMs / ms <= TARGET_POINTS) ?? ['1d', 24 * HOUR]
  return { name, ms }
}
