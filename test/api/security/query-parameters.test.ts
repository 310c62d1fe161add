import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTE_CASES } from './route-cases.ts'
import { startTenants, type Tenants } from './tenants.ts'

const API_ROUTES = Object.keys(ROUTE_CASES).filter((route) => route.split(' ')[1]!.startsWith('/api/'))

describe('unknown query parameters', () => {
  let tenants: Tenants
  let calls = 0

  beforeAll(async () => {
    tenants = await startTenants()
    await tenants.openAlert('fac-a', 'sa')
    await tenants.openAlert('fac-b', 'sb')
  })

  afterAll(async () => {
    await tenants?.close()
  })

  it('refuses a misspelt filter instead of answering as if there were none', async () => {
    const response = await tenants.as('admin', 'GET', '/api/v1/alerts?facilty=fac-b')
    expect(response.status).toBe(400)
    expect(response.body.message).toBe('querystring: Unrecognized key: "facilty"')
  })

  it.each(API_ROUTES)('%s refuses a parameter it does not take, naming it', async (route) => {
    const method = route.split(' ')[0]!
    const { path, query, body } = await ROUTE_CASES[route]!.request(tenants, `q${++calls}`)
    const url = `${path}?${query === undefined ? '' : `${query}&`}colour=red`
    const response = await tenants.as('admin', method, url, body)
    expect(response.status).toBe(400)
    expect(response.body.message).toContain('"colour"')
  })
})
