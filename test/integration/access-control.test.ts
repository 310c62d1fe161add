import { connectAsync } from 'mqtt'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readingsTopic } from '../../core/topics.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, type SensorCredentials, startPlatform, testFacility } from '../support/platform.ts'
import { waitUntil } from '../support/processes.ts'

type Who = 'anonymous' | 'admin' | 'regulator' | 'contractorA' | 'contractorB' | 'officerA' | 'officerB'

/**
 * The security matrix: for each role and each route, topic and room, the allowed case and the denied one.
 * Two facilities, each served by its own contractor and watched by its own officer.
 */
describe('access control across the API, the broker and the live feed', () => {
  let platform: Platform
  const keys = {} as Record<Who, string | null>
  let sensorA: SensorCredentials
  let sensorB: SensorCredentials

  const as = (who: Who, method: string, path: string, body?: unknown) =>
    platform.call(method, path, body, keys[who])
  const statusOf = async (who: Who, method: string, path: string, body?: unknown) =>
    (await as(who, method, path, body)).status

  async function readingsOf(sensorId: string): Promise<number> {
    const { body } = await as('admin', 'GET', `/api/v1/readings/latest?sensor=${sensorId}`)
    return body.items.length
  }

  beforeAll(async () => {
    platform = await startPlatform()
    const { registry } = platform
    await registry.createOrganisation({ id: 'ca', name: 'Contractor A', kind: 'contractor' })
    await registry.createOrganisation({ id: 'cb', name: 'Contractor B', kind: 'contractor' })
    await registry.createFacility(testFacility('fac-a', { contractorIds: ['ca'], province: 'Bắc Ninh' }))
    await registry.createFacility(testFacility('fac-b', { contractorIds: ['cb'], province: 'Đồng Nai' }))
    const key = async (role: 'regulator' | 'contractor' | 'officer', scope: object) =>
      (await issueApiKey(registry, { name: role, role, ...scope })).token
    Object.assign(keys, {
      anonymous: null,
      admin: platform.adminKey,
      regulator: await key('regulator', {}),
      contractorA: await key('contractor', { organisationId: 'ca' }),
      contractorB: await key('contractor', { organisationId: 'cb' }),
      officerA: await key('officer', { facilityId: 'fac-a' }),
      officerB: await key('officer', { facilityId: 'fac-b' }),
    })
    const register = async (who: Who, facilityId: string, id: string) => {
      const created = await as(who, 'POST', '/api/v1/sensors', {
        id,
        facilityId,
        model: 'm',
        factors: ['noise'],
      })
      expect(created.status).toBe(201)
      return created.body.credentials as SensorCredentials
    }
    sensorA = await register('contractorA', 'fac-a', 'sa')
    sensorB = await register('contractorB', 'fac-b', 'sb')
    for (const credentials of [sensorA, sensorB]) {
      const client = await platform.connectSensor(credentials)
      await client.publishAsync(
        credentials.topic,
        JSON.stringify({ factor: 'noise', value: 120, unit: 'dBA' }),
        {
          qos: 1,
        },
      )
      await client.endAsync()
    }
    await waitUntil(
      async () => (await readingsOf('sa')) + (await readingsOf('sb')) === 2,
      10_000,
      () => 'no data',
    )
    await waitUntil(
      async () => (await as('admin', 'GET', '/api/v1/alerts')).body.total === 2,
      10_000,
      () => 'no alerts',
    )
  })

  afterAll(async () => {
    await platform?.stop()
  })

  describe('the API', () => {
    it.each([
      ['anonymous', 'GET', '/api/v1/facilities', 401],
      ['admin', 'GET', '/api/v1/facilities', 200],
      ['regulator', 'GET', '/api/v1/facilities/fac-b', 200],
      ['contractorA', 'GET', '/api/v1/facilities/fac-a', 200],
      ['contractorA', 'GET', '/api/v1/facilities/fac-b', 403],
      ['officerA', 'GET', '/api/v1/facilities/fac-a', 200],
      ['officerA', 'GET', '/api/v1/facilities/fac-b', 403],
      ['officerA', 'GET', '/api/v1/facilities/fac-b/sensors', 403],
      ['contractorB', 'GET', '/api/v1/sensors/sb', 200],
      ['contractorA', 'GET', '/api/v1/sensors/sb', 403],
      ['officerB', 'GET', '/api/v1/sensors/sb/readings?factor=noise', 200],
      ['officerA', 'GET', '/api/v1/sensors/sb/readings?factor=noise', 403],
      ['officerA', 'GET', '/api/v1/readings/latest?facility=fac-b', 403],
      ['officerA', 'GET', '/api/v1/readings/latest?sensor=sb', 403],
      ['officerA', 'GET', '/api/v1/exposures/latest?facility=fac-b', 403],
      ['officerA', 'GET', '/api/v1/alerts?facility=fac-b', 403],
      ['regulator', 'GET', '/api/v1/alerts?facility=fac-b', 200],
      ['officerA', 'GET', '/api/v1/keys', 403],
      ['admin', 'GET', '/api/v1/keys', 200],
      ['contractorA', 'GET', '/api/v1/organisations', 403],
      ['regulator', 'POST', '/api/v1/facilities', 403],
      ['contractorA', 'PATCH', '/api/v1/facilities/fac-a', 403],
      ['admin', 'PATCH', '/api/v1/facilities/fac-a', 200],
      ['officerA', 'POST', '/api/v1/facilities/fac-a/zones', 403],
      ['contractorB', 'POST', '/api/v1/facilities/fac-a/zones', 403],
      ['contractorA', 'POST', '/api/v1/facilities/fac-a/zones', 201],
      ['contractorA', 'POST', '/api/v1/sensors/sb/credentials', 403],
      ['officerB', 'POST', '/api/v1/sensors/sb/credentials', 403],
      ['contractorA', 'POST', '/api/v1/sensors/sb/decommission', 403],
      ['regulator', 'POST', '/api/v1/keys', 403],
      ['anonymous', 'GET', '/api/v1/audit', 401],
      ['officerA', 'GET', '/api/v1/audit', 403],
      ['contractorA', 'GET', '/api/v1/audit', 403],
      ['regulator', 'GET', '/api/v1/audit', 200],
      ['admin', 'GET', '/api/v1/audit', 200],
      ['regulator', 'GET', '/api/v1/audit?facility=fac-b', 200],
    ] as [Who, string, string, number][])('%s %s %s → %i', async (who, method, path, expected) => {
      const bodies: Record<string, unknown> = {
        'POST /api/v1/facilities': testFacility('fac-new'),
        'PATCH /api/v1/facilities/fac-a': { workers: 75 },
        'POST /api/v1/facilities/fac-a/zones': { id: `zone-${who}`, name: 'Packing' },
        'POST /api/v1/keys': { name: 'x', role: 'admin' },
      }
      expect(await statusOf(who, method, path, bodies[`${method} ${path}`])).toBe(expected)
    })

    // The router matches the decoded path: every spelling of a route is that route, with its roles.
    it.each([
      '/%61pi/v1/keys',
      '/api/v%31/keys',
      '/ap%69/v1/keys',
      '/%61%70%69/v1/keys',
      '/api/v1/%6beys',
      '/api%2Fv1/keys',
    ])('refuses an anonymous POST to %s, however the path is spelled', async (path) => {
      const response = await as('anonymous', 'POST', path, { name: 'x', role: 'admin' })
      expect(response.status).not.toBe(201)
      expect([401, 404]).toContain(response.status)
      expect(
        (await as('admin', 'GET', '/api/v1/keys')).body.items.map((k: { name: string }) => k.name),
      ).not.toContain('x')
    })

    it.each(['/%61pi/v1/facilities', '/api/v%31/alerts', '/%61%70%69/v1/sensors'])(
      'authenticates %s as its route, so a key reads it and no key does not',
      async (path) => {
        expect(await statusOf('anonymous', 'GET', path)).toBe(401)
        expect(await statusOf('officerA', 'GET', path)).toBe(200)
      },
    )

    it('lists only the facilities, sensors, readings and alerts a scoped key reaches', async () => {
      const ids = async (who: Who, path: string, field = 'id') =>
        (await as(who, 'GET', path)).body.items.map((item: Record<string, string>) => item[field]).sort()
      expect(await ids('admin', '/api/v1/facilities')).toEqual(['fac-a', 'fac-b'])
      expect(await ids('regulator', '/api/v1/facilities')).toEqual(['fac-a', 'fac-b'])
      expect(await ids('contractorA', '/api/v1/facilities')).toEqual(['fac-a'])
      expect(await ids('officerB', '/api/v1/facilities')).toEqual(['fac-b'])
      expect(await ids('contractorA', '/api/v1/sensors')).toEqual(['sa'])
      expect(await ids('officerA', '/api/v1/readings/latest', 'sensorId')).toEqual(['sa'])
      expect(await ids('officerB', '/api/v1/alerts', 'facilityId')).toEqual(['fac-b'])
    })

    it('lets only the facility’s own people acknowledge and resolve its alerts, as their own key', async () => {
      const { items } = (await as('admin', 'GET', '/api/v1/alerts?facility=fac-b')).body
      const path = `/api/v1/alerts/${items[0].id}/acknowledge`
      expect(await statusOf('officerA', 'POST', path, {})).toBe(403)
      expect(await statusOf('regulator', 'POST', path, {})).toBe(403)
      // #12: a name in the body was taken as who acknowledged; who it is comes from the key alone.
      const forged = await as('officerB', 'POST', path, { by: 'Chief Inspector (regulator)' })
      expect(forged.status).toBe(400)
      expect(forged.body.message).toMatch(/by/)
      const acknowledged = await as('officerB', 'POST', path, { note: 'hearing protection handed out' })
      expect(acknowledged.status).toBe(200)
      expect(acknowledged.body.acknowledgements).toEqual([
        {
          by: { keyId: expect.any(String), name: 'officer' },
          at: expect.any(String),
          level: items[0].level,
          note: 'hearing protection handed out',
        },
      ])
      const resolve = `/api/v1/alerts/${items[0].id}/resolve`
      expect(await statusOf('officerA', 'POST', resolve, { reason: 'false-alarm' })).toBe(403)
      expect(await statusOf('regulator', 'POST', resolve, { reason: 'false-alarm' })).toBe(403)
      expect(await statusOf('contractorA', 'POST', resolve, { reason: 'false-alarm' })).toBe(403)
      expect((await as('admin', 'GET', `/api/v1/alerts/${items[0].id}`)).body.state).toBe('acknowledged')
    })

    it('shows one alert, and the CSV of a search, only to keys that reach its facility', async () => {
      const [alertB] = (await as('admin', 'GET', '/api/v1/alerts?facility=fac-b')).body.items
      expect(await statusOf('officerA', 'GET', `/api/v1/alerts/${alertB.id}`)).toBe(403)
      expect(await statusOf('contractorA', 'GET', `/api/v1/alerts/${alertB.id}`)).toBe(403)
      expect(await statusOf('officerB', 'GET', `/api/v1/alerts/${alertB.id}`)).toBe(200)
      const csv = await fetch(`${platform.apiUrl}/api/v1/alerts?format=csv`, {
        headers: { authorization: `Bearer ${keys.officerA}` },
      })
      expect(csv.status).toBe(200)
      const rows = (await csv.text()).trimEnd().split('\r\n').slice(1)
      expect(rows.length).toBeGreaterThan(0)
      expect(rows.every((row) => row.split(',')[1] === 'fac-a')).toBe(true)
    })

    it('refuses unknown, malformed and revoked keys', async () => {
      const get = (token: string) => platform.call('GET', '/api/v1/facilities', undefined, token)
      expect((await get('not-a-key')).status).toBe(401)
      expect((await get(`qk_nosuchkey_${'x'.repeat(43)}`)).status).toBe(401)
      const forged = keys.officerA!.replace(/_[^_]+$/, `_${'A'.repeat(43)}`)
      expect((await get(forged)).status).toBe(401)
      const { key, token } = await issueApiKey(platform.registry, { name: 'temp', role: 'regulator' })
      expect((await get(token)).status).toBe(200)
      expect(await statusOf('admin', 'DELETE', `/api/v1/keys/${key.id}`)).toBe(204)
      expect((await get(token)).status).toBe(401)
    })

    it.each([
      ["/api/v1/facilities/x' OR '1'='1", 400],
      ["/api/v1/readings/latest?facility=a' OR '1'='1", 400],
      ['/api/v1/readings/latest?sensor=sa%22%20OR%201%3D1', 400],
      ['/api/v1/sensors/sa/readings?factor=noise%22%3B%20DROP%20MEASUREMENT%20reading', 400],
      // A province must be a unit of the list: anything else is refused before any query.
      ["/api/v1/facilities?province=x' OR '1'='1", 400],
      ["/api/v1/facilities?sector=x' OR '1'='1", 200],
      ['/api/v1/facilities?limit=100000', 400],
    ])('answers the injection attempt %s with %i and nothing leaks', async (path, expected) => {
      const response = await as('officerA', 'GET', encodeURI(path).replace(/%25/g, '%'))
      expect(response.status).toBe(expected)
      if (expected === 200) expect(response.body.items).toEqual([])
      expect(await readingsOf('sb')).toBe(1)
    })
  })

  describe('the broker', () => {
    // A sensor's client id is its user name (its id).
    const refused = (options: { username?: string; password?: string }) =>
      connectAsync(platform.mqttUrl, {
        reconnectPeriod: 0,
        connectTimeout: 5000,
        clientId: options.username,
        ...options,
      }).then(
        async (client) => {
          await client.endAsync()
          return false
        },
        () => true,
      )

    it('refuses anonymous clients and wrong passwords', async () => {
      expect(await refused({})).toBe(true)
      expect(await refused({ username: 'sa', password: 'wrong' })).toBe(true)
      expect(await refused({ username: 'nosuchsensor', password: 'x' })).toBe(true)
      expect(await refused({ username: platform.service.username, password: 'wrong' })).toBe(true)
      expect(await refused({ username: 'sa', password: sensorA.password })).toBe(false)
    })

    it('closes a sensor that publishes under another sensor’s topic, and stores nothing of it', async () => {
      const client = await platform.connectSensor(sensorA)
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
      client.publish(sensorB.topic, JSON.stringify({ factor: 'noise', value: 99, unit: 'dBA' }), { qos: 1 })
      await closed
      client.end(true)
      await new Promise((resolve) => setTimeout(resolve, 500))
      const { body } = await as('admin', 'GET', '/api/v1/readings/latest?sensor=sb')
      expect(body.items[0].value).toBe(120)
      expect(platform.broker!.counters.publishesRefused).toBeGreaterThanOrEqual(1)
    })

    it('grants a sensor no subscription, not even to its own readings', async () => {
      const client = await platform.connectSensor(sensorA)
      // The broker answers SUBACK 0x80 (failure) for each topic, which MQTT.js reports as an error.
      await expect(
        client.subscribeAsync(['#', sensorA.topic, 'quantrac/v1/live/+/+'], { qos: 1 }),
      ).rejects.toThrow(/Subscribe error/)
      expect(client.connected).toBe(true)
      expect(platform.broker!.counters.subscriptionsRefused).toBe(3)
      await client.endAsync()
    })

    it('drops a sensor’s connection when its credentials are rotated, and accepts only the new ones', async () => {
      const client = await platform.connectSensor(sensorA)
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
      const rotated = await as('contractorA', 'POST', '/api/v1/sensors/sa/credentials')
      expect(rotated.status).toBe(200)
      await closed
      client.end(true)
      expect(await refused({ username: 'sa', password: sensorA.password })).toBe(true)
      expect(await refused({ username: 'sa', password: rotated.body.password })).toBe(false)
      sensorA = rotated.body
    })

    it('refuses a revoked sensor, and a decommissioned one while keeping its data', async () => {
      expect(await statusOf('contractorA', 'DELETE', '/api/v1/sensors/sa/credentials')).toBe(204)
      expect(await refused({ username: 'sa', password: sensorA.password })).toBe(true)
      expect(await statusOf('contractorB', 'POST', '/api/v1/sensors/sb/decommission')).toBe(200)
      expect(await refused({ username: 'sb', password: sensorB.password })).toBe(true)
      expect(await readingsOf('sb')).toBe(1)
      expect((await as('contractorB', 'POST', '/api/v1/sensors/sb/credentials')).status).toBe(409)
    })

    it('counts every refused connection', () => {
      // wrong password, unknown sensor, anonymous, bad service password, old credentials, revoked, decommissioned
      expect(platform.broker!.counters.connectionsRefused).toBe(7)
    })
  })

  describe('the live feed', () => {
    const connect = (token?: string) =>
      io(platform.apiUrl, { transports: ['websocket'], auth: { token }, reconnection: false })

    it('refuses a handshake without a valid key', async () => {
      const socket = connect()
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve))
      expect(error.message).toMatch(/API key/)
      socket.close()
    })

    it('lets a key join only the facilities it reaches', async () => {
      const officer = connect(keys.officerA!)
      expect(await officer.emitWithAck('join', 'fac-a')).toEqual({ ok: true, facilityId: 'fac-a' })
      expect(await officer.emitWithAck('join', 'fac-b')).toMatchObject({ ok: false })
      const regulator = connect(keys.regulator!)
      expect(await regulator.emitWithAck('join', 'fac-b')).toMatchObject({ ok: true })
      officer.close()
      regulator.close()
    })
  })

  it('never sent a reading under a topic it did not own', () => {
    expect(readingsTopic('fac-b', 'sb')).toBe(sensorB.topic)
  })
})
