import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTenants, type Tenants } from './tenants.ts'

describe('API keys that expire', () => {
  let tenants: Tenants

  beforeAll(async () => {
    tenants = await startTenants()
  })

  afterAll(async () => {
    await tenants?.close()
  })

  it('are created with their expiry, listed with it, and work until then', async () => {
    const expiresAt = '2099-01-01T00:00:00.000Z'
    const created = await tenants.as('admin', 'POST', '/api/v1/keys', {
      name: 'auditor',
      role: 'regulator',
      expiresAt,
    })
    expect(created.status).toBe(201)
    expect(created.body.key).toMatchObject({ name: 'auditor', expiresAt })
    const listed = await tenants.as('admin', 'GET', '/api/v1/keys?limit=500')
    expect(listed.body.items.find((key: { name: string }) => key.name === 'auditor')).toMatchObject({
      expiresAt,
    })
    expect((await tenants.call('GET', '/api/v1/facilities', undefined, created.body.token)).status).toBe(200)
  })

  it('stop working when they expire, answered like a revoked key', async () => {
    const created = await tenants.as('admin', 'POST', '/api/v1/keys', {
      name: 'short-lived',
      role: 'admin',
      expiresAt: Date.now() + 1500,
    })
    const get = () => tenants.call('GET', '/api/v1/facilities', undefined, created.body.token)
    expect((await get()).status).toBe(200)
    await expect.poll(async () => (await get()).status, { timeout: 20_000 }).toBe(401)
    const expired = await get()
    const revoked = await tenants.as('revokedKey', 'GET', '/api/v1/facilities')
    const unknown = await tenants.call(
      'GET',
      '/api/v1/facilities',
      undefined,
      `qk_nosuchkey_${'x'.repeat(43)}`,
    )
    expect(expired.body).toEqual(revoked.body)
    expect(expired.body).toEqual(unknown.body)
    expect(expired.body.message).toBe('unknown, revoked or expired API key')
  })

  it('cannot be created already expired', async () => {
    const response = await tenants.as('admin', 'POST', '/api/v1/keys', {
      name: 'late',
      role: 'admin',
      expiresAt: Date.now() - 1,
    })
    expect(response.status).toBe(400)
    expect(response.body.message).toBe('body.expiresAt: a key expires in the future')
  })
})
