import { isIPv6 } from 'node:net'
import { createRateLimiter } from './rate-limit.ts'

export interface LoginThrottleOptions {
  /** Failed logins a source address may make in `windowMs` (one comes back every windowMs / this). */
  failuresPerAddress: number
  /** Failed logins a user name may take in `windowMs`, from all addresses together. */
  failuresPerUsername: number
  windowMs: number
  /** Pairs of address and user name remembered as trusted, at most. */
  maxTrusted?: number
  /** The clock (epoch ms); Date.now by default. */
  now?: () => number
}

/** Why a login is not even checked. */
export type Throttled = 'address' | 'username'

/** A pair that logged in stays trusted this long after its last success. */
const TRUST_MS = 30 * 24 * 3_600_000

/**
 * The key of a source address: an IPv4 address as itself (also when IPv4-mapped), an IPv6 address by its
 * /64, the smallest block one subscriber gets, which an attacker can otherwise walk through address by
 * address.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped !== null) return mapped[1]!
  if (!isIPv6(address)) return address
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = address.includes('::') && tail !== '' ? tail.split(':') : []
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`
}

/**
 * Throttles password guessing (sensors at the broker, people at the API's sign-in), per source address and per user name: each failed login
 * spends a token of both, and they come back over `windowMs`; with none left, logins are refused
 * unchecked until one comes back. Checks from one address run a few at a time, so a burst of concurrent
 * guesses cannot all be checked before their failures count (and cannot take every core), while a burst
 * of right logins — a factory's sensors behind one NAT after a power cut — only waits a little.
 *
 * A pair of address and user name that logged in before is trusted and not throttled, so that an attacker
 * who spends a sensor's (or the services') user name budget cannot keep the real device out, nor one
 * broken device behind a NAT the others of its address (OWASP's "device cookie", with the address for
 * the cookie). A failure from a trusted pair counts, and ends its trust.
 *
 * @example
 * const throttle = createLoginThrottle({ failuresPerAddress: 10, failuresPerUsername: 5, windowMs: 60_000 })
 * const attempt = await throttle.admit(address, username)
 * if (typeof attempt === 'string') return refuse('throttled')
 * if (await passwordIsRight()) attempt.succeeded()
 * else attempt.failed()
 */
export function createLoginThrottle(options: LoginThrottleOptions) {
  const now = options.now ?? Date.now
  const perSecond = (count: number) => count / (options.windowMs / 1000)
  const byAddress = createRateLimiter({
    ratePerSecond: perSecond(options.failuresPerAddress),
    burst: options.failuresPerAddress,
  })
  const byUsername = createRateLimiter({
    ratePerSecond: perSecond(options.failuresPerUsername),
    burst: options.failuresPerUsername,
  })
  const maxTrusted = options.maxTrusted ?? 100_000
  // Pair → time of its last success, oldest first (a success moves its pair to the end).
  const trusted = new Map<string, number>()
  // Checks running per address, and those waiting for a turn; an idle address has no entry.
  const lanes = new Map<string, { running: number; waiting: (() => void)[] }>()

  function isTrusted(pair: string, at: number): boolean {
    const since = trusted.get(pair)
    if (since === undefined) return false
    if (at - since <= TRUST_MS) return true
    trusted.delete(pair)
    return false
  }

  function trust(pair: string, at: number): void {
    trusted.delete(pair)
    trusted.set(pair, at)
    if (trusted.size > maxTrusted) trusted.delete(trusted.keys().next().value!)
  }

  function takeTurn(address: string): Promise<void> | undefined {
    let lane = lanes.get(address)
    if (lane === undefined) {
      lane = { running: 0, waiting: [] }
      lanes.set(address, lane)
    }
    if (lane.running < CHECKS_IN_FLIGHT_PER_ADDRESS) {
      lane.running++
      return undefined
    }
    const queue = lane.waiting
    return new Promise((resolve) => queue.push(resolve))
  }

  function endTurn(address: string): void {
    const lane = lanes.get(address)!
    const next = lane.waiting.shift()
    // The turn passes to the next in line, or the lane winds down.
    if (next !== undefined) {
      next()
      return
    }
    lane.running--
    if (lane.running === 0) lanes.delete(address)
  }

  /** Before a password is checked: why it is not, or the attempt, to be told how it went. */
  async function admit(address: string, rawUsername: string): Promise<Throttled | LoginAttempt> {
    // Bounded keys: a flood of invented 64 KB user names must not become gigabytes of buckets.
    const username = rawUsername.slice(0, MAX_USERNAME_KEY)
    const pair = `${address}\u0000${username}`
    await takeTurn(address)
    const at = now()
    const wasTrusted = isTrusted(pair, at)
    const refusal: Throttled | undefined = wasTrusted
      ? undefined
      : byAddress.waitMs(address, at) > 0
        ? 'address'
        : byUsername.waitMs(username, at) > 0
          ? 'username'
          : undefined
    if (refusal !== undefined) {
      endTurn(address)
      return refusal
    }
    let ended = false
    const end = () => {
      if (ended) return false
      ended = true
      endTurn(address)
      return true
    }
    return {
      succeeded() {
        if (end()) trust(pair, now())
      },
      failed() {
        if (!end()) return
        const failedAt = now()
        if (wasTrusted) trusted.delete(pair)
        byAddress.take(address, failedAt)
        byUsername.take(username, failedAt)
      },
      undecided() {
        end()
      },
    }
  }

  return { admit }
}

/** A login the throttle let through, waiting to hear how it went: exactly one of these, once. */
export interface LoginAttempt {
  succeeded(): void
  failed(): void
  /** The check itself failed (the registry did not answer): neither a success nor a failed guess. */
  undecided(): void
}

const MAX_USERNAME_KEY = 256
/** scrypt runs on libuv's four threads: more checks at once from one address would only queue there. */
const CHECKS_IN_FLIGHT_PER_ADDRESS = 4

export type LoginThrottle = ReturnType<typeof createLoginThrottle>
