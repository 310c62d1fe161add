import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiSettings } from '../../../api/config.ts'
import { ROUTE_CASES } from './route-cases.ts'
import { ACTS_AS, CALLERS, type Caller, KEYLESS, startTenants, type Tenants } from './tenants.ts'

/** Ways of writing a path that a router, a proxy or an attacker may use for the documented one. */
const SPELLINGS = {
  'as documented': (path: string) => path,
  'with percent-encoded letters': (path: string) =>
    path.replace(/\/([A-Za-z])/g, (_, letter: string) => `/%${letter.charCodeAt(0).toString(16)}`),
  'with doubled slashes': (path: string) => path.replaceAll('/', '//'),
  'with an encoded slash': (path: string) => path.replace('/api/', '/api%2F'),
  'in upper case': (path: string) => path.toUpperCase(),
  'with a trailing slash toggled': (path: string) => (path.endsWith('/') ? path.slice(0, -1) : `${path}/`),
} as const
type Spelling = keyof typeof SPELLINGS

/** Spellings that must reach the documented route itself; the others may also reach no route at all. */
const SAME_ROUTE: readonly Spelling[] = ['as documented', 'with percent-encoded letters']

interface Operation {
  method: string
  path: string
}

describe('who may call each route of the OpenAPI document', () => {
  let tenants: Tenants
  let operations: Operation[]
  let calls = 0
  /** Tags of the calls that were refused: nothing they would have created may exist. */
  const refusedTags: string[] = []

  beforeAll(async () => {
    // Every caller asks for resets and uses links from one address, many times over: no throttle here. The
    // mails go nowhere (nothing listens on port 9): they are sent in the background, the answers do not wait.
    const accounts = {
      ...apiSettings().accounts,
      smtpUrl: 'smtp://127.0.0.1:9',
      mailsPerAddressPerHour: 100_000,
      linkTriesPerAddressPerMinute: 100_000,
    }
    tenants = await startTenants({ settings: { accounts } })
    const document = (await tenants.call('GET', '/docs/json', undefined, null)).body as {
      paths: Record<string, Record<string, unknown>>
    }
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    )
  })

  afterAll(async () => {
    console.info(`security matrix: ${calls} requests`)
    await tenants?.close()
  })

  it('has a case for every documented operation, and none for an operation that is gone', () => {
    const documented = operations.map(({ method, path }) => `${method} ${path}`).sort()
    expect(documented).toEqual(Object.keys(ROUTE_CASES).sort())
  })

  function expectedStatus(route: string, caller: Caller): number {
    const routeCase = ROUTE_CASES[route]!
    if (routeCase.allowed.includes(caller)) return routeCase.statusFor?.[caller] ?? routeCase.status
    if (KEYLESS.includes(caller)) return 401
    // A signed-in write without the session's CSRF token is refused before anything else is looked at.
    if (caller === 'sessionWithoutCsrf' && !route.startsWith('GET ')) return 403
    const actsAs = ACTS_AS[caller]
    if (actsAs !== undefined) return expectedStatus(route, actsAs)
    return routeCase.refusedWithKey ?? 403
  }

  let sequence = 0
  async function statusOf(route: string, caller: Caller, spelling: Spelling, method: string) {
    const tag = `${caller}-${++sequence}`
    const { path, query, body, freshSession } = await ROUTE_CASES[route]!.request(tenants, tag)
    const url = `${SPELLINGS[spelling](path)}${query === undefined ? '' : `?${query}`}`
    const response = await tenants.as(caller, method, url, body, freshSession)
    calls++
    if (response.status >= 400) refusedTags.push(tag)
    return response.status
  }

  it.each(Object.keys(ROUTE_CASES))(
    '%s answers each caller as its case says, however the path is spelled',
    async (route) => {
      const [method] = route.split(' ') as [string]
      const methods = method === 'GET' ? ['GET', 'HEAD'] : [method]
      const expected = Object.fromEntries(CALLERS.map((caller) => [caller, expectedStatus(route, caller)]))
      for (const verb of methods) {
        for (const spelling of Object.keys(SPELLINGS) as Spelling[]) {
          const answered: Record<string, number> = {}
          for (const caller of CALLERS) answered[caller] = await statusOf(route, caller, spelling, verb)
          const noRoute = Object.fromEntries(CALLERS.map((caller) => [caller, 404]))
          const label = `${verb} ${route.split(' ')[1]} ${spelling}`
          if (SAME_ROUTE.includes(spelling))
            expect({ label, answered }).toEqual({ label, answered: expected })
          else expect([expected, noRoute], label).toContainEqual(answered)
        }
      }
    },
    // Signing in checks a password (scrypt) in every call: about a hundred of them for that route.
    60_000,
  )

  it('left nothing behind from a refused call, and changed nothing', async () => {
    const page = { limit: 10_000, offset: 0 }
    const [facilities, organisations, sensors, zones, keys, campaigns, channels] = await Promise.all([
      tenants.registry.listFacilities(page),
      tenants.registry.listOrganisations(page),
      tenants.registry.listSensors(page),
      tenants.registry.listZones('fac-a'),
      tenants.registry.listApiKeys(page),
      tenants.registry.listCampaigns({ limit: 500, offset: 0 }),
      tenants.registry.listChannels('fac-a'),
    ])
    // What a call creates is named {o,f,z,s,k,c,n}-{tag}; the sensor a call acts on is t-{tag}.
    const created = [
      ...facilities.items.map((facility) => facility.id),
      ...organisations.items.map((organisation) => organisation.id),
      ...sensors.items.map((sensor) => sensor.id),
      ...zones.map((zone) => zone.id),
      ...keys.items.map((key) => key.name),
      ...campaigns.items.map((campaign) => campaign.id),
      ...channels.map((channel) => channel.id),
    ]
    const refused = new Set(refusedTags)
    const tagOf = (name: string) => /^[ofzskcn]-(.+)$/.exec(name)?.[1]
    expect(created.filter((name) => refused.has(tagOf(name) ?? ''))).toEqual([])
    const targets = sensors.items.filter((sensor) => refused.has(/^t-(.+)$/.exec(sensor.id)?.[1] ?? ''))
    expect(targets.length).toBeGreaterThan(0)
    for (const sensor of targets) expect(sensor).toMatchObject({ status: 'active', hasCredentials: true })
  })
})
