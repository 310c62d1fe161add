import { issueAccountToken } from '../../../registry/accounts.ts'
import { issueApiKey } from '../../../registry/api-keys.ts'
import { newTotpSecret } from '../../../registry/second-factor.ts'
import { CALLERS, type Caller, KEYED, PASSWORD, REACH_OWN, SESSION_CALLERS, type Tenants } from './tenants.ts'

export interface RouteRequest {
  /** The path with its parameters filled in, spelled as documented. */
  path: string
  query?: string
  body?: unknown
  /** A session caller makes the call in a session of its own: the call ends it. */
  freshSession?: true
}

/** One operation of the OpenAPI document, as the security suite calls it. */
export interface RouteCase {
  /** Who gets `status`; every other caller is refused: 401 without a working key, 403 with one. */
  allowed: readonly Caller[]
  status: number
  /**
   * What a caller with a working key outside `allowed` gets: 403 unless the route answers as for an unknown
   * id (404), so that it does not tell which ids exist.
   */
  refusedWithKey?: 403 | 404
  /** What some allowed callers get instead of `status`. */
  statusFor?: Partial<Record<Caller, number>>
  /**
   * The request of one call; `tag` is unique to the call and names what it creates, so the suite can check
   * that no refused call left anything behind. Calls that use something up get their own.
   */
  request(tenants: Tenants, tag: string): RouteRequest | Promise<RouteRequest>
}

const ADMIN: readonly Caller[] = ['admin']
const ADMIN_REGULATOR: readonly Caller[] = ['admin', 'regulator']
const MAINTAINERS_OWN: readonly Caller[] = ['admin', 'contractorOwn']

/** A sensor of fac-a of its own (`t-{tag}`), for a call that rotates, revokes or decommissions. */
async function freshSensor(tenants: Tenants, tag: string): Promise<string> {
  const id = `t-${tag}`
  await tenants.registry.createSensor(
    { id, facilityId: 'fac-a', model: 'm', serial: '', factors: ['noise'] },
    tenants.secretHash,
  )
  return id
}

/** A campaign of fac-a recorded by `ca` (`t-c-{tag}`), for a call that reads or withdraws one. */
async function freshCampaign(tenants: Tenants, tag: string): Promise<string> {
  const id = `t-c-${tag}`
  await tenants.registry.createCampaigns([
    {
      id,
      facilityId: 'fac-a',
      organisationId: 'ca',
      declaration: { reference: '1/CB', publishedBy: 'Sở Y tế Hà Nội' },
      startedOn: '2025-05-01',
      endedOn: '2025-05-02',
      measurements: [{ zoneId: 'zone-a', factor: 'noise', samples: 2, samplesOverLimit: 0 }],
      recordedAt: 0,
      recordedBy: 'test',
    },
  ])
  return id
}

/** A sensor-health e-mail channel of fac-a of its own (`t-n-{tag}`): one a contractor serving fac-a may change. */
async function freshChannel(tenants: Tenants, tag: string): Promise<string> {
  const id = `t-n-${tag}`
  await tenants.registry.createChannel({
    id,
    facilityId: 'fac-a',
    kind: 'email',
    name: 'Maintenance',
    to: ['maintenance@example.vn'],
    levels: ['warning', 'alarm'],
    kinds: ['sensor-offline'],
    language: 'vi',
  })
  return id
}

/** An escalation policy of fac-a over a fresh channel, for a call that reads or removes it. */
async function freshEscalation(tenants: Tenants, tag: string): Promise<void> {
  const channelId = await freshChannel(tenants, tag)
  await tenants.registry.setEscalationPolicy({
    facilityId: 'fac-a',
    tiers: [{ delayMinutes: 0, channelIds: [channelId] }],
  })
}

const campaignBody = (tag: string) => ({
  id: `c-${tag}`,
  facilityId: 'fac-a',
  organisationId: 'ca',
  declaration: { reference: '1/CB', publishedBy: 'Sở Y tế Hà Nội' },
  startedOn: '2025-05-01',
  endedOn: '2025-05-02',
  measurements: [{ zoneId: 'zone-a', factor: 'noise', samples: 2, samplesOverLimit: 1 }],
})

/** A person of their own (`u-{tag}`) for a call that signs out or disables; the hash is of no password used. */
async function freshUser(tenants: Tenants, tag: string): Promise<string> {
  const user = await tenants.registry.createUser(
    {
      id: `u-${tag}`,
      email: `u-${tag}@example.vn`,
      name: `u-${tag}`,
      grants: [{ id: `g-${tag}`, role: 'officer', facilityId: 'fac-a' }],
    },
    tenants.secretHash,
  )
  return user.id
}

const SIGNED_IN = SESSION_CALLERS.filter((caller) => caller !== 'sessionOfDisabled')

/**
 * The allowed set of every route, by the OpenAPI document's `METHOD path`. A route added to the API and not
 * here fails the suite until someone says who may call it.
 */
export const ROUTE_CASES: Record<string, RouteCase> = {
  'GET /health': { allowed: CALLERS, status: 200, request: () => ({ path: '/health' }) },

  'GET /api/v1/organisations/': {
    allowed: ADMIN,
    status: 200,
    request: () => ({ path: '/api/v1/organisations/' }),
  },
  'POST /api/v1/organisations/': {
    allowed: ADMIN,
    status: 201,
    request: (_, tag) => ({
      path: '/api/v1/organisations/',
      body: { id: `o-${tag}`, name: 'Owner', kind: 'owner' },
    }),
  },
  'GET /api/v1/organisations/{organisationId}': {
    allowed: ADMIN,
    status: 200,
    request: () => ({ path: '/api/v1/organisations/ca' }),
  },

  'GET /api/v1/facilities/': {
    allowed: KEYED,
    status: 200,
    request: () => ({ path: '/api/v1/facilities/' }),
  },
  'POST /api/v1/facilities/': {
    allowed: ADMIN,
    status: 201,
    request: (_, tag) => ({
      path: '/api/v1/facilities/',
      body: { id: `f-${tag}`, name: 'New', province: 'Hà Nội', sector: 'garment' },
    }),
  },
  'POST /api/v1/facilities/import': {
    allowed: ADMIN,
    status: 200,
    request: (_, tag) => ({
      path: '/api/v1/facilities/import',
      body: `id,name,province,sector\nf-${tag},Imported,Hà Nội,garment\n`,
    }),
  },
  'GET /api/v1/facilities/{facilityId}': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/facilities/fac-a' }),
  },
  'PATCH /api/v1/facilities/{facilityId}': {
    allowed: ADMIN,
    status: 200,
    request: () => ({ path: '/api/v1/facilities/fac-a', body: { workers: 51 } }),
  },
  'GET /api/v1/facilities/{facilityId}/sensors': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/facilities/fac-a/sensors' }),
  },
  'GET /api/v1/facilities/{facilityId}/zones': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/facilities/fac-a/zones' }),
  },
  'POST /api/v1/facilities/{facilityId}/zones': {
    allowed: MAINTAINERS_OWN,
    status: 201,
    request: (_, tag) => ({ path: '/api/v1/facilities/fac-a/zones', body: { id: `z-${tag}`, name: 'Zone' } }),
  },

  'PATCH /api/v1/facilities/{facilityId}/zones/{zoneId}': {
    allowed: MAINTAINERS_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/facilities/fac-a/zones/zone-a', body: { name: 'Zone A', workers: 12 } }),
  },

  'GET /api/v1/facilities/{facilityId}/notification-channels': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/facilities/fac-a/notification-channels' }),
  },
  'POST /api/v1/facilities/{facilityId}/notification-channels': {
    // A contractor serving fac-a may add sensor-health channels (this one); an alarm channel about the air it may not.
    allowed: MAINTAINERS_OWN,
    status: 201,
    request: (_, tag) => ({
      path: '/api/v1/facilities/fac-a/notification-channels',
      body: {
        kind: 'email',
        id: `n-${tag}`,
        name: 'Maintenance',
        to: ['maintenance@example.vn'],
        levels: ['alarm'],
        kinds: ['sensor-offline', 'sensor-fault'],
      },
    }),
  },
  'PATCH /api/v1/facilities/{facilityId}/notification-channels/{channelId}': {
    allowed: MAINTAINERS_OWN,
    status: 200,
    request: async (tenants, tag) => ({
      path: `/api/v1/facilities/fac-a/notification-channels/${await freshChannel(tenants, tag)}`,
      body: { name: 'Renamed' },
    }),
  },
  'DELETE /api/v1/facilities/{facilityId}/notification-channels/{channelId}': {
    allowed: MAINTAINERS_OWN,
    status: 204,
    request: async (tenants, tag) => ({
      path: `/api/v1/facilities/fac-a/notification-channels/${await freshChannel(tenants, tag)}`,
    }),
  },
  'GET /api/v1/facilities/{facilityId}/escalation': {
    allowed: REACH_OWN,
    status: 200,
    request: async (tenants, tag) => {
      await freshEscalation(tenants, tag)
      return { path: '/api/v1/facilities/fac-a/escalation' }
    },
  },
  'PUT /api/v1/facilities/{facilityId}/escalation': {
    // Whom to wake is the owner's decision: an admin's or the owner organisation's, not a contractor's.
    allowed: ADMIN,
    status: 200,
    request: async (tenants, tag) => ({
      path: '/api/v1/facilities/fac-a/escalation',
      body: {
        tiers: [{ delayMinutes: 0, channelIds: [await freshChannel(tenants, tag)] }],
        repeatMinutes: 10,
      },
    }),
  },
  'DELETE /api/v1/facilities/{facilityId}/escalation': {
    allowed: ADMIN,
    status: 204,
    request: async (tenants, tag) => {
      await freshEscalation(tenants, tag)
      return { path: '/api/v1/facilities/fac-a/escalation' }
    },
  },

  'GET /api/v1/sensors/': { allowed: KEYED, status: 200, request: () => ({ path: '/api/v1/sensors/' }) },
  'POST /api/v1/sensors/': {
    allowed: MAINTAINERS_OWN,
    status: 201,
    request: (_, tag) => ({
      path: '/api/v1/sensors/',
      body: { id: `s-${tag}`, facilityId: 'fac-a', zoneId: 'zone-a', model: 'm', factors: ['noise'] },
    }),
  },
  'GET /api/v1/sensors/{sensorId}': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/sensors/sa' }),
  },
  'PATCH /api/v1/sensors/{sensorId}': {
    allowed: MAINTAINERS_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/sensors/sa', body: { model: 'm2' } }),
  },
  'POST /api/v1/sensors/{sensorId}/credentials': {
    allowed: MAINTAINERS_OWN,
    status: 200,
    request: async (tenants, tag) => ({
      path: `/api/v1/sensors/${await freshSensor(tenants, tag)}/credentials`,
    }),
  },
  'DELETE /api/v1/sensors/{sensorId}/credentials': {
    allowed: MAINTAINERS_OWN,
    status: 204,
    request: async (tenants, tag) => ({
      path: `/api/v1/sensors/${await freshSensor(tenants, tag)}/credentials`,
    }),
  },
  'POST /api/v1/sensors/{sensorId}/decommission': {
    allowed: MAINTAINERS_OWN,
    status: 200,
    request: async (tenants, tag) => ({
      path: `/api/v1/sensors/${await freshSensor(tenants, tag)}/decommission`,
    }),
  },
  'GET /api/v1/sensors/{sensorId}/readings': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/sensors/sa/readings', query: 'factor=noise' }),
  },

  'GET /api/v1/sensors/{sensorId}/rejections': {
    allowed: ['admin', 'contractorOwn', 'officerOwn'],
    status: 200,
    refusedWithKey: 404,
    request: () => ({ path: '/api/v1/sensors/sa/rejections' }),
  },
  'GET /api/v1/readings/latest': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/readings/latest', query: 'facility=fac-a' }),
  },
  'GET /api/v1/exposures/latest': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/exposures/latest', query: 'sensor=sa' }),
  },
  'GET /api/v1/exposures/shift': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/exposures/shift', query: 'facility=fac-a' }),
  },
  'GET /api/v1/alerts/': {
    allowed: REACH_OWN,
    status: 200,
    request: () => ({ path: '/api/v1/alerts/', query: 'facility=fac-a' }),
  },
  'POST /api/v1/alerts/{alertId}/acknowledge': {
    // The regulator reads across facilities and acts on none.
    allowed: ['admin', 'contractorOwn', 'officerOwn'],
    status: 200,
    request: async (tenants) => ({
      path: `/api/v1/alerts/${(await tenants.openAlert('fac-a', 'sa')).id}/acknowledge`,
      body: { note: 'seen' },
    }),
  },
  'GET /api/v1/alerts/{alertId}': {
    allowed: REACH_OWN,
    status: 200,
    request: async (tenants) => ({ path: `/api/v1/alerts/${(await tenants.openAlert('fac-a', 'sa')).id}` }),
  },
  'GET /api/v1/alerts/{alertId}/notifications': {
    allowed: REACH_OWN,
    status: 200,
    request: async (tenants) => ({
      path: `/api/v1/alerts/${(await tenants.openAlert('fac-a', 'sa')).id}/notifications`,
    }),
  },
  'POST /api/v1/alerts/{alertId}/resolve': {
    allowed: ['admin', 'contractorOwn', 'officerOwn'],
    status: 200,
    request: async (tenants) => ({
      path: `/api/v1/alerts/${(await tenants.openAlert('fac-a', 'sa')).id}/resolve`,
      body: { reason: 'false-alarm', note: 'door slammed' },
    }),
  },

  // Regulators read the entries about facilities; officers and contractors none (README § Audit trail).
  'GET /api/v1/audit/': {
    allowed: ADMIN_REGULATOR,
    status: 200,
    request: () => ({ path: '/api/v1/audit/' }),
  },

  // People list their own keys (none here); keys that are not an admin's list none. Creating and revoking
  // another's key is an admin's: a person's own keys are tried in test/integration/account-page.test.ts.
  'GET /api/v1/keys/': {
    allowed: ['admin', 'sessionContractorOwn', 'sessionOfficerOther'],
    status: 200,
    request: () => ({ path: '/api/v1/keys/' }),
  },
  'POST /api/v1/keys/': {
    allowed: ADMIN,
    status: 201,
    request: (_, tag) => ({ path: '/api/v1/keys/', body: { name: `k-${tag}`, role: 'admin' } }),
  },
  'DELETE /api/v1/keys/{keyId}': {
    allowed: ADMIN,
    status: 204,
    request: async (tenants, tag) => {
      const { key } = await issueApiKey(tenants.registry, { name: `d-${tag}`, role: 'regulator' })
      return { path: `/api/v1/keys/${key.id}` }
    },
  },

  // Anybody may try to sign in, whatever they hold already; the credentials are a person's of the suite.
  'POST /api/v1/session/': {
    allowed: CALLERS,
    status: 200,
    request: () => ({
      path: '/api/v1/session/',
      body: { email: 'sessionadmin@example.vn', password: PASSWORD },
    }),
  },
  'GET /api/v1/session/': {
    allowed: [...KEYED, ...SIGNED_IN],
    status: 200,
    request: () => ({ path: '/api/v1/session/' }),
  },
  // A key has no session to end: 400.
  'DELETE /api/v1/session/': {
    allowed: [...KEYED, 'sessionAdmin', 'sessionContractorOwn', 'sessionOfficerOther'],
    status: 400,
    statusFor: { sessionAdmin: 204, sessionContractorOwn: 204, sessionOfficerOther: 204 },
    request: () => ({ path: '/api/v1/session/', freshSession: true }),
  },
  // A second factor is a person's: an admin's key gets 400 (no session); the session admin enrols afresh.
  'POST /api/v1/session/totp/': {
    allowed: ['admin', 'sessionAdmin'],
    status: 400,
    statusFor: { sessionAdmin: 201 },
    request: () => ({ path: '/api/v1/session/totp/' }),
  },
  // Enrolled afresh before each call: a wrong code is 400 (the code is right once in a million).
  'POST /api/v1/session/totp/confirm': {
    allowed: ['admin', 'sessionAdmin'],
    status: 400,
    request: async (tenants) => {
      await tenants.registry.setTotpSecret(tenants.sessions.sessionAdmin!.userId, newTotpSecret())
      return { path: '/api/v1/session/totp/confirm', body: { code: '000000' } }
    },
  },
  // An enrolled factor not yet confirmed goes with any code.
  'DELETE /api/v1/session/totp/': {
    allowed: ['admin', 'sessionAdmin'],
    status: 400,
    statusFor: { sessionAdmin: 204 },
    request: async (tenants) => {
      await tenants.registry.setTotpSecret(tenants.sessions.sessionAdmin!.userId, newTotpSecret())
      return { path: '/api/v1/session/totp/', body: { code: '000000' } }
    },
  },
  'GET /api/v1/users/': { allowed: ADMIN, status: 200, request: () => ({ path: '/api/v1/users/' }) },
  // An admin, or the person themself (test/api/sessions.test.ts): here nobody of the suite is u-{tag}.
  'DELETE /api/v1/users/{id}/sessions': {
    allowed: ADMIN,
    status: 204,
    request: async (tenants, tag) => ({ path: `/api/v1/users/${await freshUser(tenants, tag)}/sessions` }),
  },
  'POST /api/v1/users/{id}/disable': {
    allowed: ADMIN,
    status: 200,
    request: async (tenants, tag) => ({ path: `/api/v1/users/${await freshUser(tenants, tag)}/disable` }),
  },

  // Anybody may ask for a reset link or use one: the answer to asking never tells whether the e-mail has an
  // account (test/integration/password-reset.test.ts); each call here uses a fresh link of a fresh person.
  'POST /api/v1/password-resets/': {
    allowed: CALLERS,
    status: 202,
    request: (_tenants, tag) => ({
      path: '/api/v1/password-resets/',
      body: { email: `r-${tag}@example.vn` },
    }),
  },
  'POST /api/v1/password-resets/redeem': {
    allowed: CALLERS,
    status: 200,
    request: async (tenants, tag) => {
      const token = await issueAccountToken(tenants.registry, {
        purpose: 'password-reset',
        userId: await freshUser(tenants, tag),
        createdAt: Date.now(),
        expiresAt: Date.now() + 60_000,
      })
      return { path: '/api/v1/password-resets/redeem', body: { token, password: PASSWORD } }
    },
  },
  'POST /api/v1/invitations/': {
    allowed: ADMIN,
    status: 201,
    request: (_tenants, tag) => ({
      path: '/api/v1/invitations/',
      body: { email: `i-${tag}@example.vn`, name: tag, grant: { role: 'officer', facilityId: 'fac-a' } },
    }),
  },

  'GET /api/v1/reports/coverage': {
    allowed: ADMIN_REGULATOR,
    status: 200,
    request: () => ({ path: '/api/v1/reports/coverage', query: 'period=2025' }),
  },
  'GET /api/v1/reports/provincial': {
    allowed: ADMIN_REGULATOR,
    status: 200,
    request: () => ({ path: '/api/v1/reports/provincial', query: 'period=2025&province=01' }),
  },
  'GET /api/v1/limits': { allowed: KEYED, status: 200, request: () => ({ path: '/api/v1/limits' }) },
  'GET /api/v1/factors': { allowed: KEYED, status: 200, request: () => ({ path: '/api/v1/factors' }) },

  'GET /api/v1/provinces/': { allowed: KEYED, status: 200, request: () => ({ path: '/api/v1/provinces/' }) },
  'GET /api/v1/provinces/resolve': {
    allowed: KEYED,
    status: 200,
    request: () => ({ path: '/api/v1/provinces/resolve', query: 'name=Hanoi' }),
  },

  'GET /api/v1/campaigns/': { allowed: KEYED, status: 200, request: () => ({ path: '/api/v1/campaigns/' }) },
  'POST /api/v1/campaigns/': {
    // The monitoring organisation that serves the facility records in its own name; an admin for it.
    allowed: MAINTAINERS_OWN,
    status: 201,
    request: (_, tag) => ({ path: '/api/v1/campaigns/', body: campaignBody(tag) }),
  },
  'POST /api/v1/campaigns/import': {
    allowed: MAINTAINERS_OWN,
    status: 200,
    request: (_, tag) => ({
      path: '/api/v1/campaigns/import',
      body:
        'campaignId,facilityId,organisationId,declarationReference,declarationPublishedBy,startedOn,endedOn,zoneId,factor,samples,samplesOverLimit\n' +
        `c-${tag},fac-a,ca,1/CB,Sở Y tế Hà Nội,2025-05-01,2025-05-02,zone-a,noise,2,0\n`,
    }),
  },
  'GET /api/v1/campaigns/{campaignId}': {
    allowed: REACH_OWN,
    status: 200,
    request: async (tenants, tag) => ({ path: `/api/v1/campaigns/${await freshCampaign(tenants, tag)}` }),
  },
  'DELETE /api/v1/campaigns/{campaignId}': {
    allowed: MAINTAINERS_OWN,
    status: 204,
    request: async (tenants, tag) => ({ path: `/api/v1/campaigns/${await freshCampaign(tenants, tag)}` }),
  },
}
