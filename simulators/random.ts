/**
 * A small seeded PRNG so every simulated signal can be replayed exactly: tests pin a seed, demos log theirs.
 * mulberry32 passes the statistical tests that matter for noise-like signals and costs a few integer ops.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform in [min, max). */
  between(min: number, max: number): number
  /** Uniform integer in [min, max]. */
  integer(min: number, max: number): number
  /** Standard normal, mean 0 and standard deviation 1. */
  gaussian(): number
  /** True with probability `p`. */
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  return {
    next,
    between: (min, max) => min + (max - min) * next(),
    integer: (min, max) => min + Math.floor((max - min + 1) * next()),
    gaussian() {
      // Box–Muller; 1 - next() keeps the logarithm away from zero.
      return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
    },
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list')
      return items[Math.floor(items.length * next())] as T
    },
  }
}

/**
 * A seed for one named part of a simulation (a sensor, a facility), so each part's stream depends only
 * on the run's seed and its own name, not on how many other parts there are or in which order they run.
 */
export function deriveSeed(seed: number, name: string): number {
  // FNV-1a over the name, mixed with the seed.
  let hash = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}
