import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { planNotifications } from '../../../core/notifications.ts'
import { digest } from '../../../registry/credentials.ts'
import { startTenants, type Tenants } from './tenants.ts'

/** The ack page is reached without a key: what a holder of a wrong, old or guessed link gets. */
describe('the acknowledge link', () => {
  let tenants: Tenants
  beforeEach(async () => {
    tenants = await startTenants()
  })
  afterEach(async () => tenants?.close())

  /** A token of an alert of fac-a, as the notifier stores it (its hash), expiring at `expiresAt`. */
  async function tokenFor(expiresAt: number) {
    const alert = await tenants.openAlert('fac-a', 'sa')
    await tenants.registry.createChannel({
      id: 'duty',
      facilityId: 'fac-a',
      kind: 'email',
      name: 'Duty',
      to: ['duty@example.vn'],
      levels: ['critical'],
      language: 'vi',
    })
    const channel = (await tenants.registry.getChannel('fac-a', 'duty'))!
    await tenants.registry.enqueueNotifications(
      planNotifications(
        { seq: 1, event: { type: 'opened', at: Date.now(), alert } },
        [channel],
        undefined,
        new Map(),
      ),
      Date.now(),
    )
    const [row] = await tenants.registry.listNotifications(alert.id)
    const token = randomBytes(32).toString('base64url')
    await tenants.registry.createAckToken(digest(token), {
      notificationId: row!.id,
      alertId: alert.id,
      contact: 'duty@example.vn',
      language: 'vi',
      createdAt: Date.now() - 1000,
      expiresAt,
    })
    return { token, alert }
  }

  it('refuses an expired link with a page saying so, and acknowledges nothing', async () => {
    const { token, alert } = await tokenFor(Date.now() - 1)
    const answer = await tenants.call('POST', `/ack/${token}`, undefined, null)
    expect(answer.status).toBe(410)
    expect(answer.text).toContain('Liên kết đã hết hạn')
    expect(answer.text).toContain('This link has expired')
    expect((await tenants.registry.get(alert.id))?.state).toBe('open')
  })

  it('refuses a forged or malformed token with 404, and a note with control characters with 400', async () => {
    expect((await tenants.call('GET', `/ack/${'x'.repeat(43)}`, undefined, null)).status).toBe(404)
    expect((await tenants.call('GET', '/ack/..%2F..%2Fetc', undefined, null)).status).toBe(404)
    const { token, alert } = await tokenFor(Date.now() + 60_000)
    const bad = await tenants.call('POST', `/ack/${token}`, 'note=a%07b', null, {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(bad.status).toBe(400)
    expect((await tenants.registry.get(alert.id))?.state).toBe('open')
    // The token was not used up by the refused note.
    const good = await tenants.call('POST', `/ack/${token}`, 'note=ok', null, {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(good.status).toBe(200)
  })

  it('slows down one address that tries many links', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 35; i++) {
      statuses.push(
        (await tenants.call('GET', `/ack/${randomBytes(32).toString('base64url')}`, undefined, null)).status,
      )
    }
    expect(statuses.slice(0, 30).every((status) => status === 404)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
  })
})
