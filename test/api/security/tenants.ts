import { randomUUID } from 'node:crypto'
import { apiSettings } from '../../../api/config.ts'
import { SESSION_COOKIE } from '../../../api/plugins/app/auth.ts'
import type { Alert } from '../../../core/alerts.ts'
import { createUser, csrfTokenOf, startSession } from '../../../registry/accounts.ts'
import { issueApiKey } from '../../../registry/api-keys.ts'
import { hashSecret } from '../../../registry/credentials.ts'
import type { Grant } from '../../../registry/types.ts'
import { startTestApi, type TestApi, type TestApiOptions } from '../../support/api.ts'
import { testFacility } from '../../support/platform.ts'

/**
 * Every kind of caller the API meets, as seen from facility `fac-a`: the keys that reach everything, the
 * contractor and the officer of fac-a ("own") and of fac-b ("other"), and four ways of holding no valid key.
 */
export const CALLERS = [
  'admin',
  'regulator',
  'contractorOwn',
  'contractorOther',
  'officerOwn',
  'officerOther',
  'noKey',
  'malformedKey',
  'revokedKey',
  'expiredKey',
  'sessionAdmin',
  'sessionContractorOwn',
  'sessionOfficerOther',
  'sessionWithoutCsrf',
  'sessionOfDisabled',
] as const
export type Caller = (typeof CALLERS)[number]

/**
 * People signed in (session cookie and its CSRF token), each with the grant of the key caller they act as:
 * every route must answer them as it answers that key. `sessionWithoutCsrf` is an admin's session whose
 * requests omit X-CSRF-Token (reads as an admin, refused 403 on every write); `sessionOfDisabled` the cookie
 * of a person since disabled.
 */
export const ACTS_AS: Partial<Record<Caller, Caller>> = {
  sessionAdmin: 'admin',
  sessionContractorOwn: 'contractorOwn',
  sessionOfficerOther: 'officerOther',
  sessionWithoutCsrf: 'admin',
}
export const SESSION_CALLERS: readonly Caller[] = [
  'sessionAdmin',
  'sessionContractorOwn',
  'sessionOfficerOther',
  'sessionWithoutCsrf',
  'sessionOfDisabled',
]

/** Callers without a key or session that opens the API: 401 wherever one is needed. */
export const KEYLESS: readonly Caller[] = [
  'noKey',
  'malformedKey',
  'revokedKey',
  'expiredKey',
  'sessionOfDisabled',
]
/** Callers that reach fac-a. */
export const REACH_OWN: readonly Caller[] = ['admin', 'regulator', 'contractorOwn', 'officerOwn']
/** Callers with a working key, whatever they reach. */
export const KEYED: readonly Caller[] = [
  'admin',
  'regulator',
  'contractorOwn',
  'contractorOther',
  'officerOwn',
  'officerOther',
]

/** The password of every person of the suite. */
export const PASSWORD = 'correct horse battery staple'

/** `name=value` of the session cookie a sign-in answer sets. */
export function sessionCookieOf(headers: Record<string, unknown>): string {
  const setCookie = ([] as string[]).concat((headers['set-cookie'] as string | string[] | undefined) ?? [])
  const cookie = setCookie.find((line) => line.startsWith(`${SESSION_COOKIE}=`))
  if (cookie === undefined) throw new Error('no session cookie set')
  return cookie.split(';')[0]!
}

/**
 * Two tenants on one API: organisation `ca` serves facility `fac-a` (zone `zone-a`, sensor `sa`), `cb`
 * serves `fac-b` (`zone-b`, `sb`); an officer works at each. Built through the registry, as an installation
 * would be before anyone calls the API.
 */
export async function startTenants(options: TestApiOptions = {}) {
  const api = await startTestApi(options)
  const { registry } = api
  await registry.createOrganisation({ id: 'ca', name: 'Contractor A', kind: 'contractor' })
  await registry.createOrganisation({ id: 'cb', name: 'Contractor B', kind: 'contractor' })
  await registry.createFacility(testFacility('fac-a', { contractorIds: ['ca'], hazards: ['noise'] }))
  await registry.createFacility(testFacility('fac-b', { contractorIds: ['cb'], hazards: ['noise'] }))
  await registry.createZone({ id: 'zone-a', facilityId: 'fac-a', name: 'Packing' })
  await registry.createZone({ id: 'zone-b', facilityId: 'fac-b', name: 'Kiln' })
  const secretHash = await hashSecret('not used')
  for (const [id, facilityId] of [
    ['sa', 'fac-a'],
    ['sb', 'fac-b'],
  ] as const) {
    await registry.createSensor({ id, facilityId, model: 'm', serial: '', factors: ['noise'] }, secretHash)
  }

  const key = async (fields: Parameters<typeof issueApiKey>[1]) => (await issueApiKey(registry, fields)).token
  const revoked = await issueApiKey(registry, { name: 'revoked admin', role: 'admin' })
  await registry.revokeApiKey(revoked.key.id)
  const keys: Partial<Record<Caller, string | null>> = {
    admin: api.adminKey,
    regulator: await key({ name: 'regulator', role: 'regulator' }),
    contractorOwn: await key({ name: 'contractor a', role: 'contractor', organisationId: 'ca' }),
    contractorOther: await key({ name: 'contractor b', role: 'contractor', organisationId: 'cb' }),
    officerOwn: await key({ name: 'officer a', role: 'officer', facilityId: 'fac-a' }),
    officerOther: await key({ name: 'officer b', role: 'officer', facilityId: 'fac-b' }),
    noKey: null,
    malformedKey: 'qk_not-a-key',
    revokedKey: revoked.token,
    // The registry takes any expiry; the API and `quantrac admin` refuse one in the past.
    expiredKey: await key({ name: 'expired admin', role: 'admin', expiresAt: Date.now() - 1000 }),
  }

  // People, registered as `quantrac admin create-user` does and signed in through the API.
  const grants: Record<string, Omit<Grant, 'id'>> = {
    sessionAdmin: { role: 'admin' },
    sessionContractorOwn: { role: 'contractor', organisationId: 'ca' },
    sessionOfficerOther: { role: 'officer', facilityId: 'fac-b' },
    sessionWithoutCsrf: { role: 'admin' },
    sessionOfDisabled: { role: 'admin' },
  }
  const sessions: Partial<Record<Caller, { userId: string; grantId: string; cookie: string; csrf: string }>> =
    {}
  for (const [caller, grant] of Object.entries(grants)) {
    const email = `${caller.toLowerCase()}@example.vn`
    const user = await createUser(registry, { email, name: caller, password: PASSWORD, grants: [grant] })
    sessions[caller as Caller] = { userId: user.id, grantId: user.grants[0]!.id, ...(await signIn(email)) }
  }
  await registry.disableUser(sessions.sessionOfDisabled!.userId, Date.now())

  /** Signs in through the API: the session cookie and the CSRF token. */
  async function signIn(email: string, password = PASSWORD) {
    const response = await api.call('POST', '/api/v1/session', { email, password }, null)
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${response.text}`)
    return { cookie: sessionCookieOf(response.headers), csrf: response.body.csrfToken as string }
  }

  /** A new session of a session caller's person (for a call that ends it): the cookie and token. */
  async function freshSession(caller: Caller) {
    const session = sessions[caller]!
    const id = await startSession(
      registry,
      session.userId,
      session.grantId,
      apiSettings().sessions,
      Date.now(),
    )
    return { cookie: `${SESSION_COOKIE}=${id}`, csrf: csrfTokenOf(id) }
  }

  /** An open alert of a sensor, as ingest would have saved it. */
  async function openAlert(facilityId: string, sensorId: string): Promise<Alert> {
    const now = Date.now()
    const alert: Alert = {
      id: randomUUID(),
      facilityId,
      sensorId,
      factor: 'noise',
      kind: 'ceiling',
      level: 'critical',
      state: 'open',
      value: 120,
      limit: 115,
      unit: 'dBA',
      source: 'QCVN 24:2016/BYT',
      message: 'noise 120 dBA above the 115 dBA ceiling',
      openedAt: now,
      updatedAt: now,
    }
    await registry.recordDetection({ type: 'opened', alert })
    return alert
  }

  return {
    ...api,
    keys,
    openAlert,
    secretHash,
    sessions,
    signIn,
    /** Calls the API as one of the callers; `fresh` gives a session caller a session of its own for the call. */
    async as(caller: Caller, method: string, url: string, body?: unknown, fresh = false) {
      const session = sessions[caller]
      if (session === undefined) return api.call(method, url, body, keys[caller] ?? null)
      const { cookie, csrf } = fresh ? await freshSession(caller) : session
      const headers: Record<string, string> = { cookie }
      if (caller !== 'sessionWithoutCsrf') headers['x-csrf-token'] = csrf
      return api.call(method, url, body, null, headers)
    },
  }
}

export type Tenants = Awaited<ReturnType<typeof startTenants>>
export type { TestApi }
