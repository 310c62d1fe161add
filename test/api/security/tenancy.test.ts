import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Caller, startTenants, type Tenants } from './tenants.ts'

describe('what one tenant can do to, and learn of, another', () => {
  let tenants: Tenants

  beforeAll(async () => {
    tenants = await startTenants()
  })

  afterAll(async () => {
    await tenants?.close()
  })

  describe('a sensor’s zone', () => {
    it('must be a zone of the sensor’s facility when a sensor is registered', async () => {
      const response = await tenants.as('contractorOwn', 'POST', '/api/v1/sensors', {
        id: 'sa-2',
        facilityId: 'fac-a',
        zoneId: 'zone-b',
        model: 'm',
        factors: ['noise'],
      })
      expect(response.status).toBe(400)
      expect(response.body.message).toBe('body.zoneId: facility fac-a has no zone zone-b')
      expect(await tenants.registry.getSensor('sa-2')).toBeUndefined()
    })

    it('must be a zone of the sensor’s facility when a sensor is moved', async () => {
      const response = await tenants.as('contractorOwn', 'PATCH', '/api/v1/sensors/sa', { zoneId: 'zone-b' })
      expect(response.status).toBe(400)
      expect(response.body.message).toBe('body.zoneId: facility fac-a has no zone zone-b')
      expect((await tenants.registry.getSensor('sa'))?.zoneId).toBeUndefined()
    })

    it('answers another facility’s zone as it answers no zone, even for an admin', async () => {
      const foreign = await tenants.as('admin', 'PATCH', '/api/v1/sensors/sa', { zoneId: 'zone-b' })
      const unknown = await tenants.as('admin', 'PATCH', '/api/v1/sensors/sa', { zoneId: 'zone-x' })
      expect([foreign.status, unknown.status]).toEqual([400, 400])
      expect(foreign.body.message.replace('zone-b', 'zone-x')).toBe(unknown.body.message)
    })

    it('may be a zone of its own facility', async () => {
      const response = await tenants.as('contractorOwn', 'PATCH', '/api/v1/sensors/sa', { zoneId: 'zone-a' })
      expect(response.status).toBe(200)
      expect(response.body).toMatchObject({ zoneId: 'zone-a', zone: 'Packing' })
    })
  })

  describe('existence oracles: what a key cannot reach answers as what does not exist', () => {
    // [caller, method, path with {id}, another tenant's id, body]
    const cases: [Caller, string, string, string, unknown?][] = [
      ['contractorOwn', 'GET', '/api/v1/sensors/{id}', 'sb'],
      ['officerOwn', 'GET', '/api/v1/sensors/{id}', 'sb'],
      ['contractorOwn', 'PATCH', '/api/v1/sensors/{id}', 'sb', { model: 'x' }],
      ['contractorOwn', 'POST', '/api/v1/sensors/{id}/credentials', 'sb'],
      ['contractorOwn', 'DELETE', '/api/v1/sensors/{id}/credentials', 'sb'],
      ['contractorOwn', 'POST', '/api/v1/sensors/{id}/decommission', 'sb'],
      ['officerOwn', 'GET', '/api/v1/sensors/{id}/readings?factor=noise', 'sb'],
      ['officerOwn', 'GET', '/api/v1/readings/latest?sensor={id}', 'sb'],
      ['officerOwn', 'GET', '/api/v1/exposures/latest?sensor={id}', 'sb'],
      ['officerOwn', 'GET', '/api/v1/facilities/{id}', 'fac-b'],
      ['contractorOwn', 'GET', '/api/v1/facilities/{id}/sensors', 'fac-b'],
      ['contractorOwn', 'GET', '/api/v1/facilities/{id}/zones', 'fac-b'],
      ['contractorOwn', 'POST', '/api/v1/facilities/{id}/zones', 'fac-b', { id: 'zz', name: 'Z' }],
      ['officerOwn', 'GET', '/api/v1/sensors?facility={id}', 'fac-b'],
      ['officerOwn', 'GET', '/api/v1/readings/latest?facility={id}', 'fac-b'],
      ['officerOwn', 'GET', '/api/v1/alerts?facility={id}', 'fac-b'],
      ['officerOwn', 'GET', '/api/v1/exposures/shift?facility={id}', 'fac-b'],
      ['contractorOwn', 'GET', '/api/v1/exposures/shift?facility={id}&format=csv', 'fac-b'],
      ['officerOwn', 'GET', '/api/v1/sensors/{id}/readings?factor=noise&format=csv', 'sb'],
      [
        'contractorOwn',
        'POST',
        '/api/v1/sensors',
        'fac-b',
        { id: 'sx', facilityId: '{id}', model: 'm', factors: ['noise'] },
      ],
    ]

    it.each(cases)(
      '%s %s %s: another tenant’s %s and an unknown one get the same answer',
      async (caller, method, path, id, body) => {
        const request = (target: string) =>
          tenants.as(
            caller,
            method,
            path.replace('{id}', target),
            body === undefined ? undefined : JSON.parse(JSON.stringify(body).replace('{id}', target)),
          )
        const foreign = await request(id)
        const unknown = await request('nope')
        expect(foreign.status).toBe(403)
        expect(unknown.status).toBe(foreign.status)
        expect(unknown.body.message).toBe(foreign.body.message.replace(id, 'nope'))
      },
    )

    it('answers another facility’s alert as an unknown alert', async () => {
      const alert = await tenants.openAlert('fac-b', 'sb')
      const path = (id: string) => `/api/v1/alerts/${id}/acknowledge`
      const foreign = await tenants.as('officerOwn', 'POST', path(alert.id), {})
      const unknownId = '00000000-0000-4000-8000-000000000000'
      const unknown = await tenants.as('officerOwn', 'POST', path(unknownId), {})
      expect([foreign.status, unknown.status]).toEqual([403, 403])
      expect(unknown.body.message).toBe(foreign.body.message.replace(alert.id, unknownId))
      expect((await tenants.registry.get(alert.id))?.state).toBe('open')
    })

    it('tells a key that reaches everything what does not exist', async () => {
      for (const path of [
        '/api/v1/sensors/nope',
        '/api/v1/facilities/nope',
        '/api/v1/facilities/nope/zones',
        '/api/v1/alerts?facility=nope',
        '/api/v1/sensors?facility=nope',
        '/api/v1/readings/latest?facility=nope',
        '/api/v1/exposures/latest?facility=nope',
      ]) {
        const response = await tenants.as('regulator', 'GET', path)
        expect({ path, status: response.status, message: response.body.message }).toEqual({
          path,
          status: 404,
          message: path.includes('sensors/nope') ? 'no sensor nope' : 'no facility nope',
        })
      }
    })
  })

  describe('sensor ids, which are global because they are MQTT user names', () => {
    it('refuses an id another tenant holds without saying whose, as it refuses one of its own', async () => {
      const take = (id: string) =>
        tenants.as('contractorOwn', 'POST', '/api/v1/sensors', {
          id,
          facilityId: 'fac-a',
          model: 'm',
          factors: ['noise'],
        })
      const foreign = await take('sb')
      const own = await take('sa')
      expect([foreign.status, own.status]).toEqual([409, 409])
      expect(foreign.body.message).toBe(
        'sensor id sb is taken: sensor ids are global, as they are MQTT user names; choose another',
      )
      expect(own.body.message).toBe(foreign.body.message.replace('sb', 'sa'))
      expect(foreign.body.message).not.toMatch(/fac-b|cb|Contractor B/)
      expect((await tenants.registry.getSensor('sb'))?.facilityId).toBe('fac-b')
    })
  })
})
