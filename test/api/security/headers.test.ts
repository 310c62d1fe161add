import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECURITY_HEADERS } from '../../../api/plugins/app/security-headers.ts'
import { startTestApi, type TestApi } from '../../support/api.ts'
import { ROUTE_CASES } from './route-cases.ts'
import { startTenants, type Tenants } from './tenants.ts'

describe('security headers', () => {
  let tenants: Tenants
  let calls = 0

  beforeAll(async () => {
    tenants = await startTenants()
  })

  afterAll(async () => {
    await tenants?.close()
  })

  const pages = [
    '/',
    '/index.html',
    '/regulator.html',
    '/js/app.js',
    '/styles.css',
    '/vendor/socket.io.esm.min.js',
    '/vendor/uPlot.esm.js',
    '/vendor/uPlot.min.css',
    '/docs',
    '/docs/',
    '/docs/static/index.html',
    '/docs/json',
    '/metrics',
    '/no/such/page',
    '/socket.io/?EIO=4&transport=polling',
  ]

  it.each(pages)('GET %s says nosniff and no-referrer', async (path) => {
    const response = await tenants.call('GET', path, undefined, null)
    expect(response.headers).toMatchObject(SECURITY_HEADERS)
  })

  it.each(Object.keys(ROUTE_CASES))('%s says nosniff and no-referrer, allowed or refused', async (route) => {
    const [method] = route.split(' ') as [string]
    const { path, query, body } = await ROUTE_CASES[route]!.request(tenants, `h${++calls}`)
    for (const key of [tenants.adminKey, null]) {
      const response = await tenants.call(method, `${path}${query ? `?${query}` : ''}`, body, key)
      expect(response.headers).toMatchObject(SECURITY_HEADERS)
    }
  })

  it.each(['/docs/', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-initializer.js'])(
    'GET %s carries a Content-Security-Policy that allows only this origin',
    async (path) => {
      const response = await tenants.call('GET', path, undefined, null)
      expect(response.status).toBe(200)
      const policy = String(response.headers['content-security-policy'])
      expect(policy).toContain("default-src 'self'")
      expect(policy).toContain("frame-ancestors 'none'")
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https:/)
    },
  )

  it.each(['/', '/regulator.html'])('GET %s keeps its own Content-Security-Policy', async (path) => {
    const response = await tenants.call('GET', path, undefined, null)
    expect(String(response.headers['content-security-policy'])).toContain("connect-src 'self'")
  })
})

describe('the OpenAPI document', () => {
  let tenants: Tenants

  beforeAll(async () => {
    tenants = await startTenants()
  })

  afterAll(async () => {
    await tenants?.close()
  })

  it('declares bearer API keys and session cookies, and asks for one on every route that needs it', async () => {
    const document = (await tenants.call('GET', '/docs/json', undefined, null)).body
    expect(document.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      session: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'quantrac_session' }),
    })
    for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
      for (const [method, operation] of Object.entries(
        operations as Record<string, { security?: unknown }>,
      )) {
        // Signing in, asking for a reset link and using one need no credentials.
        const signIn =
          method === 'post' &&
          ['/api/v1/session/', '/api/v1/password-resets/', '/api/v1/password-resets/redeem'].includes(path)
        const expected = path.startsWith('/api/') && !signIn ? [{ apiKey: [] }, { session: [] }] : undefined
        expect({ route: `${method} ${path}`, security: operation.security }).toEqual({
          route: `${method} ${path}`,
          security: expected,
        })
      }
    }
  })
})

describe('GET /metrics', () => {
  let open: TestApi
  let guarded: TestApi
  const token = 'metrics-token-0123456789'

  beforeAll(async () => {
    open = await startTestApi()
    guarded = await startTestApi({ settings: { metricsToken: token } })
  })

  afterAll(async () => {
    await open?.close()
    await guarded?.close()
  })

  it('is open to anyone when no token is set, as before', async () => {
    const response = await open.call('GET', '/metrics', undefined, null)
    expect(response.status).toBe(200)
    expect(response.text).toContain('quantrac_')
  })

  it('asks for the token when one is set', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${token}x`, token, `Basic ${token}`]) {
      const response = await guarded.call(
        'GET',
        '/metrics',
        undefined,
        null,
        authorization === undefined ? {} : { authorization },
      )
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 })
      expect(response.headers['www-authenticate']).toBe('Bearer')
      expect(response.text).not.toContain('quantrac_')
    }
    const allowed = await guarded.call('GET', '/metrics', undefined, null, {
      authorization: `Bearer ${token}`,
    })
    expect(allowed.status).toBe(200)
    expect(allowed.text).toContain('quantrac_')
  })

  it('does not take an API key instead of the token', async () => {
    expect((await guarded.call('GET', '/metrics')).status).toBe(401)
  })
})
