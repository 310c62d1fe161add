import { randomUUID } from 'node:crypto'
import type { Alert } from '../../../core/alerts.ts'
import { issueApiKey } from '../../../registry/api-keys.ts'
import { hashSecret } from '../../../registry/credentials.ts'
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
] as const
export type Caller = (typeof CALLERS)[number]

/** Callers without a key that opens the API: 401 wherever a key is needed. */
export const KEYLESS: readonly Caller[] = ['noKey', 'malformedKey', 'revokedKey', 'expiredKey']
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
  const keys: Record<Caller, string | null> = {
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
    /** Calls the API as one of the callers. */
    as: (caller: Caller, method: string, url: string, body?: unknown) =>
      api.call(method, url, body, keys[caller]),
  }
}

export type Tenants = Awaited<ReturnType<typeof startTenants>>
export type { TestApi }
