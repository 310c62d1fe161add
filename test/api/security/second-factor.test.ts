import { generate } from 'otplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECOND_FACTOR_REQUIRED, SECOND_FACTOR_WRONG } from '../../../api/routes/api/v1/session/index.ts'
import { createUser } from '../../../registry/accounts.ts'
import { PASSWORD, startTenants, type Tenants } from './tenants.ts'

/** An admin's second factor against an attacker who has the password. */
describe('a second factor in force', () => {
  let tenants: Tenants
  let secret: string
  const email = 'hai.admin@example.vn'
  const signIn = (body: Record<string, string> = {}) =>
    tenants.call('POST', '/api/v1/session', { email, password: PASSWORD, ...body }, null)

  beforeAll(async () => {
    tenants = await startTenants()
    await createUser(tenants.registry, {
      email,
      name: 'Hải',
      password: PASSWORD,
      grants: [{ role: 'admin' }],
    })
    const session = await tenants.signIn(email)
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf }
    const enrolled = await tenants.call('POST', '/api/v1/session/totp', undefined, null, headers)
    expect(enrolled.status).toBe(201)
    secret = enrolled.body.secret
    const confirmed = await tenants.call(
      'POST',
      '/api/v1/session/totp/confirm',
      { code: await generate({ secret }) },
      null,
      headers,
    )
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.recoveryCodes).toHaveLength(10)
    const again = await tenants.call('POST', '/api/v1/session/totp', undefined, null, headers)
    expect(again.status).toBe(409)
  }, 60_000)
  afterAll(async () => {
    await tenants?.close()
  })

  it('asks for the code without counting it as a failure, however often', async () => {
    for (let i = 0; i < 8; i++) {
      expect(await signIn()).toMatchObject({ status: 401, body: { message: SECOND_FACTOR_REQUIRED } })
    }
  }, 120_000)

  it('counts wrong codes against the sign-in throttle, until even the right code is refused unchecked', async () => {
    const right = await generate({ secret })
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0')
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await signIn({ code: wrong })).status)
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses.at(-1)).toBe(429)
    expect((await signIn({ code: right })).status).toBe(429)
    expect((await signIn({ code: wrong })).body.message).not.toBe(SECOND_FACTOR_WRONG)
  }, 120_000)
})
