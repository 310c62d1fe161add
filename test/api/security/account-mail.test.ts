import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTenants, type Tenants } from './tenants.ts'

/** Without an SMTP server no account mail can leave: the API says so instead of acknowledging it. */
describe('account mail on a server without QUANTRAC_SMTP_URL', () => {
  let tenants: Tenants

  beforeAll(async () => {
    tenants = await startTenants()
  })
  afterAll(async () => {
    await tenants?.close()
  })

  it('answers 503 to a reset and to an invitation, and invites nobody', async () => {
    const reset = await tenants.call('POST', '/api/v1/password-resets', { email: 'x@example.vn' }, null)
    expect(reset.status).toBe(503)
    const invitation = await tenants.call('POST', '/api/v1/invitations', {
      email: 'y@example.vn',
      name: 'Y',
      grant: { role: 'regulator' },
    })
    expect(invitation.status).toBe(503)
    expect(await tenants.registry.findUserByEmail('y@example.vn')).toBeUndefined()
  })
})
