import { describe, expect, it } from 'vitest'
import { addressKey, createLoginThrottle, type LoginAttempt } from '../../core/login-throttle.ts'

function clock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

async function attempt(throttle: ReturnType<typeof createLoginThrottle>, address: string, username: string) {
  const outcome = await throttle.admit(address, username)
  if (typeof outcome === 'string') throw new Error(`throttled by ${outcome}`)
  return outcome
}

describe('the login throttle', () => {
  it('refuses an address unchecked once it has spent its failures, and lets it try again a failure’s share of the window later', async () => {
    const time = clock()
    const throttle = createLoginThrottle({
      failuresPerAddress: 3,
      failuresPerUsername: 100,
      windowMs: 60_000,
      now: time.now,
    })
    for (let i = 0; i < 3; i++) (await attempt(throttle, '10.0.0.1', `guess-${i}`)).failed()
    expect(await throttle.admit('10.0.0.1', 'real-sensor')).toBe('address')
    // Another address is not affected.
    expect(typeof (await throttle.admit('10.0.0.2', 'real-sensor'))).toBe('object')
    time.advance(19_999)
    expect(await throttle.admit('10.0.0.1', 'real-sensor')).toBe('address')
    time.advance(1)
    expect(typeof (await throttle.admit('10.0.0.1', 'real-sensor'))).toBe('object')
  })

  it('refuses a user name tried from many addresses, but not the address it logged in from before', async () => {
    const time = clock()
    const throttle = createLoginThrottle({
      failuresPerAddress: 100,
      failuresPerUsername: 3,
      windowMs: 60_000,
      now: time.now,
    })
    ;(await attempt(throttle, '192.0.2.10', 'victim')).succeeded()
    for (let i = 0; i < 3; i++) (await attempt(throttle, `198.51.100.${i}`, 'victim')).failed()
    expect(await throttle.admit('198.51.100.99', 'victim')).toBe('username')
    // The victim's own device, from where it logged in before, still gets in.
    ;(await attempt(throttle, '192.0.2.10', 'victim')).succeeded()
    // Other user names are not affected.
    expect(typeof (await throttle.admit('198.51.100.99', 'another'))).toBe('object')
  })

  it('counts a trusted pair’s failure and trusts it no more', async () => {
    const time = clock()
    const throttle = createLoginThrottle({
      failuresPerAddress: 1,
      failuresPerUsername: 100,
      windowMs: 60_000,
      now: time.now,
    })
    ;(await attempt(throttle, '192.0.2.10', 'rotated')).succeeded()
    // Its old password, after a rotation: a failure like any other.
    ;(await attempt(throttle, '192.0.2.10', 'rotated')).failed()
    expect(await throttle.admit('192.0.2.10', 'rotated')).toBe('address')
  })

  it('gives nothing back for a success: successes spend nothing', async () => {
    const throttle = createLoginThrottle({ failuresPerAddress: 2, failuresPerUsername: 2, windowMs: 60_000 })
    for (let i = 0; i < 50; i++) (await attempt(throttle, '10.0.0.1', `sensor-${i}`)).succeeded()
    ;(await attempt(throttle, '10.0.0.1', 'x')).failed()
    ;(await attempt(throttle, '10.0.0.1', 'y')).failed()
    expect(await throttle.admit('10.0.0.1', 'z')).toBe('address')
  })

  it('checks at most four logins of an address at once, so a burst of guesses is counted before the rest are checked', async () => {
    const throttle = createLoginThrottle({
      failuresPerAddress: 4,
      failuresPerUsername: 100,
      windowMs: 60_000,
    })
    const admitted: LoginAttempt[] = []
    const outcomes = Array.from({ length: 20 }, (_, i) =>
      throttle.admit('10.0.0.1', `guess-${i}`).then((outcome) => {
        if (typeof outcome !== 'string') admitted.push(outcome)
        return outcome
      }),
    )
    await new Promise((resolve) => setImmediate(resolve))
    expect(admitted).toHaveLength(4)
    for (const guess of admitted.splice(0)) guess.failed()
    const settled = await Promise.all(outcomes)
    expect(settled.filter((outcome) => outcome === 'address')).toHaveLength(16)
  })

  it('lets a burst of right logins from one address through, a few at a time', async () => {
    const throttle = createLoginThrottle({ failuresPerAddress: 1, failuresPerUsername: 1, windowMs: 60_000 })
    const logins = Array.from({ length: 50 }, (_, i) =>
      throttle.admit('203.0.113.7', `sensor-${i}`).then((outcome) => {
        if (typeof outcome === 'string') return outcome
        outcome.succeeded()
        return 'in'
      }),
    )
    expect(new Set(await Promise.all(logins))).toEqual(new Set(['in']))
  })
})

describe('the address key', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('keys %s as %s', (address, key) => {
    expect(addressKey(address)).toBe(key)
  })
})
