import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTenants, type Tenants } from './tenants.ts'

/** One past the last instant a JavaScript Date holds: stored, it made every listing of the facility a 500. */
const BEYOND_DATE = 8_640_000_000_000_001
/** The last instant InfluxDB holds (2262-04-11T23:47:16.854Z), the last the API takes. */
const LAST = 9_223_372_036_854

describe('dates and durations the code cannot hold', () => {
  let tenants: Tenants

  beforeAll(async () => {
    tenants = await startTenants()
  })

  afterAll(async () => {
    await tenants?.close()
  })

  it.each([
    ['calibrationDue', BEYOND_DATE],
    ['calibratedAt', BEYOND_DATE],
    ['calibrationDue', LAST + 1],
    ['calibrationDue', -1],
    ['calibrationDue', '2262-04-12T00:00:00Z'],
    ['calibrationDue', '+275760-09-13T00:00:00.001Z'],
    ['calibrationDue', '2026-02-30T00:00:00Z'],
    ['calibrationDue', true],
  ])(
    'PATCH /sensors/sa with %s %j is a 400 naming the field, and nothing is stored',
    async (field, value) => {
      const response = await tenants.as('admin', 'PATCH', '/api/v1/sensors/sa', { [field]: value })
      expect(response.status).toBe(400)
      expect(response.body.message).toContain(`body.${field}`)
      expect((await tenants.registry.getSensor('sa'))?.[field as 'calibrationDue']).toBeUndefined()
      expect((await tenants.as('officerOwn', 'GET', '/api/v1/facilities/fac-a/sensors')).status).toBe(200)
    },
  )

  it('POST /sensors with an impossible calibration date is a 400, and no sensor is made', async () => {
    const response = await tenants.as('contractorOwn', 'POST', '/api/v1/sensors', {
      id: 'far-future',
      facilityId: 'fac-a',
      model: 'm',
      factors: ['noise'],
      calibrationDue: BEYOND_DATE,
    })
    expect(response.status).toBe(400)
    expect(response.body.message).toContain('body.calibrationDue')
    expect(await tenants.registry.getSensor('far-future')).toBeUndefined()
  })

  it('keeps the last date the store holds, and lists it', async () => {
    const patched = await tenants.as('admin', 'PATCH', '/api/v1/sensors/sa', { calibrationDue: LAST })
    expect(patched.status).toBe(200)
    const listed = await tenants.as('officerOwn', 'GET', '/api/v1/facilities/fac-a/sensors')
    expect(listed.body.items[0].calibrationDue).toBe('2262-04-11T23:47:16.854Z')
  })

  it.each([
    [`to=${BEYOND_DATE}`, 'querystring.to'],
    [`from=${BEYOND_DATE}`, 'querystring.from'],
    ['to=99999999999999999999', 'querystring.to'],
    [`to=${LAST + 1}`, 'querystring.to'],
    ['interval=99999999999999999999999999d', 'querystring.interval'],
    ['interval=367d', 'querystring.interval'],
    ['interval=0s', 'querystring.interval'],
    ['interval=1w', 'querystring.interval'],
  ])('GET /sensors/sa/readings?%s is a 400 naming %s', async (query, field) => {
    const response = await tenants.as(
      'officerOwn',
      'GET',
      `/api/v1/sensors/sa/readings?factor=noise&${query}`,
    )
    expect(response.status).toBe(400)
    expect(response.body.message).toContain(field)
  })

  it('answers the widest range with the longest interval, and asks for a longer one when it holds too many', async () => {
    const readings = (query: string) =>
      tenants.as('officerOwn', 'GET', `/api/v1/sensors/sa/readings?factor=noise&from=0&to=${LAST}&${query}`)
    expect((await readings('interval=366d')).status).toBe(200)
    const tooFine = await readings('interval=1h')
    expect(tooFine.status).toBe(400)
    expect(tooFine.body.message).toMatch(/^querystring\.interval: .*more than 10000 intervals of 1h/)
    const backwards = await tenants.as(
      'officerOwn',
      'GET',
      '/api/v1/sensors/sa/readings?factor=noise&from=2000&to=1000',
    )
    expect(backwards.status).toBe(400)
    expect(backwards.body.message).toBe('querystring.from: `from` must be before `to`')
  })

  it.each(['offset=1e300', 'offset=99999999999999999999', 'limit=1e3'])(
    'GET /facilities?%s is a 400 naming the parameter',
    async (query) => {
      const response = await tenants.as('admin', 'GET', `/api/v1/facilities?${query}`)
      expect(response.status).toBe(400)
      expect(response.body.message).toContain(`querystring.${query.split('=')[0]}`)
    },
  )

  it.each([
    [{ name: 'x', role: 'admin', expiresAt: BEYOND_DATE }, 'body.expiresAt'],
    [{ name: 'x', role: 'admin', expiresAt: '2020-01-01T00:00:00Z' }, 'body.expiresAt'],
  ])('POST /keys with %j is a 400 naming %s, and no key is made', async (body, field) => {
    const before = (await tenants.registry.listApiKeys({ limit: 1, offset: 0 })).total
    const response = await tenants.as('admin', 'POST', '/api/v1/keys', body)
    expect(response.status).toBe(400)
    expect(response.body.message).toContain(field)
    expect((await tenants.registry.listApiKeys({ limit: 1, offset: 0 })).total).toBe(before)
  })
})
