import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey } from '../../../registry/api-keys.ts'
import { startTenants, type Tenants } from './tenants.ts'

const gasAlarms = {
  kind: 'email',
  id: 'gas-duty',
  name: 'Ca trực',
  to: ['duty@example.vn'],
  levels: ['alarm', 'critical'],
}
const webhook = {
  kind: 'webhook',
  id: 'hook',
  name: 'Zalo relay',
  url: 'https://relay.example.vn/hooks/T0KEN-IN-PATH',
  secret: 'a-webhook-secret-of-length',
  headers: { access_token: 'zalo-oa-token' },
  levels: ['alarm', 'critical'],
}

describe('who may set up notifications of a facility', () => {
  let tenants: Tenants
  let ownerKey: string
  beforeAll(async () => {
    tenants = await startTenants({ settings: { notifications: { webhookAllowedHosts: ['.example.vn'] } } })
    await tenants.registry.createOrganisation({ id: 'owner-a', name: 'Nhà máy A', kind: 'owner' })
    await tenants.registry.updateFacility('fac-a', { ownerId: 'owner-a' })
    ownerKey = (
      await issueApiKey(tenants.registry, { name: 'owner a', role: 'contractor', organisationId: 'owner-a' })
    ).token
  })
  afterAll(async () => tenants?.close())

  const channels = '/api/v1/facilities/fac-a/notification-channels'

  it('refuses an officer, and a contractor an alarm channel about the air (gas), naming why', async () => {
    const officer = await tenants.as('officerOwn', 'POST', channels, gasAlarms)
    expect(officer.status).toBe(403)
    const contractor = await tenants.as('contractorOwn', 'POST', channels, gasAlarms)
    expect(contractor).toMatchObject({
      status: 403,
      body: { message: expect.stringMatching(/sensor-health/) },
    })
    const ceiling = await tenants.as('contractorOwn', 'POST', channels, { ...gasAlarms, kinds: ['ceiling'] })
    expect(ceiling.status).toBe(403)
    // Nor can it widen its own sensor-health channel afterwards.
    const health = await tenants.as('contractorOwn', 'POST', channels, {
      ...gasAlarms,
      id: 'health',
      kinds: ['sensor-offline'],
    })
    expect(health.status).toBe(201)
    const widened = await tenants.as('contractorOwn', 'PATCH', `${channels}/health`, { kinds: null })
    expect(widened.status).toBe(403)
    expect((await tenants.registry.getChannel('fac-a', 'health'))?.kinds).toEqual(['sensor-offline'])
  })

  it('answers another organisation 403, whether the facility exists or not', async () => {
    const other = await tenants.as('contractorOther', 'POST', channels, {
      ...gasAlarms,
      kinds: ['sensor-fault'],
    })
    expect(other.status).toBe(403)
    const none = await tenants.as(
      'contractorOther',
      'GET',
      '/api/v1/facilities/nowhere/notification-channels',
    )
    expect(none.status).toBe(403)
    expect((await tenants.as('officerOther', 'GET', channels)).status).toBe(403)
    expect(
      (await tenants.as('admin', 'GET', '/api/v1/facilities/nowhere/notification-channels')).status,
    ).toBe(404)
  })

  it('lets the owner organisation add an alarm channel and set the escalation', async () => {
    const created = await tenants.call('POST', channels, gasAlarms, ownerKey)
    expect(created.status).toBe(201)
    const policy = await tenants.call(
      'PUT',
      '/api/v1/facilities/fac-a/escalation',
      {
        tiers: [{ delayMinutes: 0, channelIds: ['gas-duty'] }],
        quietHours: { start: '22:00', end: '06:00' },
      },
      ownerKey,
    )
    expect(policy).toMatchObject({ status: 200, body: { quietHours: { holdBack: ['warning'] } } })
    const critical = await tenants.call(
      'PUT',
      '/api/v1/facilities/fac-a/escalation',
      {
        tiers: [{ delayMinutes: 0, channelIds: ['gas-duty'] }],
        quietHours: { start: '22:00', end: '06:00', holdBack: ['critical'] },
      },
      ownerKey,
    )
    expect(critical.status).toBe(400)
    const unknown = await tenants.call('PUT', '/api/v1/facilities/fac-a/escalation', {
      tiers: [{ delayMinutes: 5, channelIds: ['nope'] }],
    })
    expect(unknown).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/tiers\.0\.channelIds/) },
    })
    expect((await tenants.as('contractorOwn', 'DELETE', '/api/v1/facilities/fac-a/escalation')).status).toBe(
      403,
    )
  })

  it('never shows a webhook’s secret, headers or path again, nor records them in the audit trail', async () => {
    const created = await tenants.call('POST', channels, webhook)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      url: 'https://relay.example.vn/…',
      headerNames: ['access_token'],
      hasSecret: true,
    })
    const listed = await tenants.as('officerOwn', 'GET', channels)
    const audit = await tenants.call('GET', '/api/v1/audit?action=notification-channel.create')
    for (const text of [created.text, listed.text, audit.text]) {
      expect(text).not.toMatch(/a-webhook-secret|zalo-oa-token|T0KEN/)
    }
    expect(audit.body.items.length).toBeGreaterThan(0)
  })

  it('refuses webhook URLs that are not http(s), carry credentials, or are off the allow-list', async () => {
    for (const url of [
      'file:///etc/passwd',
      'gopher://relay.example.vn/',
      'https://user:pw@relay.example.vn/',
      'http://169.254.169.254/latest/meta-data',
    ]) {
      const answer = await tenants.call('POST', channels, { ...webhook, id: 'bad', url })
      expect({ url, status: answer.status, message: answer.body?.message }).toMatchObject({
        status: 400,
        message: expect.stringMatching(/^body\.url/),
      })
    }
    const template = await tenants.call('POST', channels, {
      ...webhook,
      id: 'bad',
      bodyTemplate: '{"t": {{text}}}',
    })
    expect(template).toMatchObject({ status: 400, body: { message: expect.stringMatching(/bodyTemplate/) } })
  })
})
