import type { AuthenticateError, Client } from 'aedes'
import { pino } from 'pino'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { createAccessControl } from '../../broker/access.ts'
import { hashSecret, verifySecret } from '../../registry/credentials.ts'
import type { SensorAccess } from '../../registry/types.ts'

// The real scrypt, counted: a refusal must cost one, whatever was wrong.
vi.mock('../../registry/credentials.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../registry/credentials.ts')>()
  return { ...original, verifySecret: vi.fn(original.verifySecret) }
})

function fakeClient(id: string, remoteAddress = '192.0.2.1'): Client {
  return { id, conn: { remoteAddress, on() {} } } as unknown as Client
}

describe('the broker’s authentication', () => {
  const sensors = new Map<string, SensorAccess>()
  const access = createAccessControl(
    {
      allowAnonymous: false,
      serviceUsername: 'services',
      servicePassword: 'a-long-service-password',
      maxPayloadBytes: 16_384,
      loginThrottle: { failuresPerAddress: 1000, failuresPerUsername: 1000, windowMs: 60_000 },
    },
    { sensorAccess: async (id) => sensors.get(id) },
    pino({ level: 'silent' }),
  )

  function login(username: string, password: string, clientId = username) {
    return new Promise<number>((resolve) =>
      access.authenticate(fakeClient(clientId), username, Buffer.from(password), (error, ok) =>
        resolve(ok ? 0 : (error as AuthenticateError).returnCode),
      ),
    )
  }

  beforeAll(async () => {
    const base = {
      facilityId: 'fac-1',
      credentialVersion: 1,
      reportingIntervalS: 60,
      factors: [],
      commissioned: true,
    }
    sensors.set('s-active', {
      ...base,
      id: 's-active',
      status: 'active',
      secretHash: await hashSecret('right'),
    })
    sensors.set('s-revoked', { ...base, id: 's-revoked', status: 'active' })
    sensors.set('s-gone', {
      ...base,
      id: 's-gone',
      status: 'decommissioned',
      secretHash: await hashSecret('right'),
    })
  })

  it.each([
    ['an unknown user name', 'nobody', 'guess'],
    ['a known sensor with a wrong password', 's-active', 'guess'],
    ['a sensor whose credentials were revoked', 's-revoked', 'guess'],
    ['a decommissioned sensor', 's-gone', 'right'],
    ['the services’ user name with a wrong password', 'services', 'guess'],
    ['a user name that is no id at all', 'x'.repeat(5000), 'guess'],
  ])(
    'spends one password hash on %s, as on any refusal, so its time says nothing',
    async (_, username, password) => {
      vi.mocked(verifySecret).mockClear()
      expect(await login(username, password)).toBe(4)
      expect(verifySecret).toHaveBeenCalledTimes(1)
    },
  )

  it('accepts a sensor with its own client id only, and refuses a service’s id to anyone but the services', async () => {
    expect(await login('s-active', 'right', 'quantrac-ingest')).toBe(2)
    expect(await login('s-active', 'right', 'another-sensor')).toBe(2)
    expect(await login('s-active', 'right')).toBe(0)
    expect(await login('services', 'a-long-service-password', 'quantrac-ingest')).toBe(0)
  })
})
