import { z } from 'zod'
import { sensorRateEnv } from '../core/config.ts'

export interface RateLimitOptions {
  /** Sustained messages per second allowed per key. */
  ratePerSecond: number
  /** Messages a key may send at once after a quiet spell. */
  burst: number
  /** Keys remembered at most; past it, keys whose bucket is full again are forgotten. */
  maxKeys?: number
}

const sensorRateDefaults = z.object(sensorRateEnv).parse({})
/** QUANTRAC_SENSOR_RATE_LIMIT and QUANTRAC_SENSOR_BURST unset: far above any real sensor's reporting. */
export const DEFAULT_SENSOR_RATE_LIMIT: RateLimitOptions = {
  ratePerSecond: sensorRateDefaults.QUANTRAC_SENSOR_RATE_LIMIT,
  burst: sensorRateDefaults.QUANTRAC_SENSOR_BURST,
}

interface Bucket {
  tokens: number
  updated: number
}

/**
 * A token bucket per key (the broker and ingest key by sensor id): each message takes a token, tokens come
 * back at `ratePerSecond` up to `burst`. A sensor that floods only spends its own tokens, so the others
 * keep theirs; memory stays bounded by `maxKeys` however many ids a flood invents.
 *
 * @example
 * const limit = createRateLimiter({ ratePerSecond: 10, burst: 50 })
 * if (!limit.take('fac-001-noise-1', Date.now())) setTimeout(retry, limit.waitMs('fac-001-noise-1', Date.now()))
 */
export function createRateLimiter(options: RateLimitOptions) {
  if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
    throw new RangeError(`rate limit needs ratePerSecond > 0 and burst >= 1, got ${JSON.stringify(options)}`)
  }
  const maxKeys = options.maxKeys ?? 100_000
  const perMs = options.ratePerSecond / 1000
  const buckets = new Map<string, Bucket>()

  function forgetRested(now: number): void {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (now - bucket.updated) * perMs >= options.burst) buckets.delete(key)
    }
    // Every key busy at once (a flood of invented ids): start afresh rather than grow.
    if (buckets.size >= maxKeys) buckets.clear()
  }

  /** The bucket of `key`, refilled up to `now`. */
  function bucketAt(key: string, now: number): Bucket {
    let bucket = buckets.get(key)
    if (bucket === undefined) {
      if (buckets.size >= maxKeys) forgetRested(now)
      bucket = { tokens: options.burst, updated: now }
      buckets.set(key, bucket)
    } else if (now > bucket.updated) {
      bucket.tokens = Math.min(options.burst, bucket.tokens + (now - bucket.updated) * perMs)
      bucket.updated = now
    }
    return bucket
  }

  return {
    /** Takes a token for `key` at `now` (epoch ms); false when its bucket is empty. */
    take(key: string, now: number): boolean {
      const bucket = bucketAt(key, now)
      if (bucket.tokens < 1) return false
      bucket.tokens -= 1
      return true
    },
    /** Milliseconds from `now` until `key` has a token again (0 when it has one). */
    waitMs(key: string, now: number): number {
      const bucket = bucketAt(key, now)
      return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / perMs)
    },
    size: () => buckets.size,
  }
}

export type RateLimiter = ReturnType<typeof createRateLimiter>
