import { createRateLimiter, type RateLimitOptions } from '../core/rate-limit.ts'

/**
 * Slows a sensor down to its rate limit instead of dropping what it sends: a publish over the limit waits,
 * unacknowledged, until its sensor's token bucket has a token again, then goes on. aedes reads nothing more
 * from a connection while a publish of its last read waits, so a flooding sensor stops being read and
 * others are not affected; what it sent is acknowledged late, never dropped. Publishes of one sensor go on
 * in the order they came [MQTT-4.6.0-2].
 *
 * @example
 * const pacer = createPublishPacer({ ratePerSecond: 20, burst: 100 }, () => held++)
 * pacer.pace('fac-001-noise-1', () => handToIngest(packet))
 */
export function createPublishPacer(limit: RateLimitOptions, onHeld: () => void) {
  const limiter = createRateLimiter(limit)
  // Publishes waiting for a token, per sensor, oldest first; a sensor with none waiting has no entry.
  const waiting = new Map<string, (() => void)[]>()
  let heldNow = 0

  function releaseWhenAllowed(key: string): void {
    setTimeout(
      function releaseHeld() {
        const queue = waiting.get(key)!
        const now = Date.now()
        while (queue.length > 0 && limiter.take(key, now)) {
          heldNow--
          queue.shift()!()
        }
        if (queue.length === 0) waiting.delete(key)
        else releaseWhenAllowed(key)
      },
      limiter.waitMs(key, Date.now()),
    ).unref()
  }

  function pace(key: string, go: () => void): void {
    const queue = waiting.get(key)
    if (queue === undefined && limiter.take(key, Date.now())) {
      go()
      return
    }
    heldNow++
    onHeld()
    if (queue !== undefined) {
      queue.push(go)
      return
    }
    waiting.set(key, [go])
    releaseWhenAllowed(key)
  }

  return {
    /** Runs `go` now if `key` has a token, or once it has one, after the publishes of `key` already waiting. */
    pace,
    /** Publishes waiting for their sensor's token now. */
    held: () => heldNow,
  }
}

export type PublishPacer = ReturnType<typeof createPublishPacer>
