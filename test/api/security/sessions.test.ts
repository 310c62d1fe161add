import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../../registry/accounts.ts'
import { PASSWORD, sessionCookieOf, startTenants, type Tenants } from './tenants.ts'

describe('people signed in: sessions, CSRF, throttling, disabling', () => {
  let tenants: Tenants
  let url: string
  const sockets: Socket[] = []

  beforeAll(async () => {
    tenants = await startTenants()
    url = await tenants.listen()
  })
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })
  afterAll(async () => {
    await tenants?.close()
  })

  const person = async (email: string, grant: Parameters<typeof createUser>[1]['grants'][number]) =>
    createUser(tenants.registry, { email, name: email, password: PASSWORD, grants: [grant] })

  const withSession = (session: { cookie: string; csrf: string }, csrf = true) => ({
    cookie: session.cookie,
    ...(csrf ? { 'x-csrf-token': session.csrf } : {}),
  })

  it('signs in with the e-mail in any case, in an HttpOnly SameSite=Strict cookie, and says who is signed in', async () => {
    await person('mai.officer@example.vn', { role: 'officer', facilityId: 'fac-a' })
    const answer = await tenants.call(
      'POST',
      '/api/v1/session',
      { email: '  Mai.Officer@Example.VN ', password: PASSWORD },
      null,
    )
    expect(answer.status).toBe(200)
    const setCookie = String(answer.headers['set-cookie'])
    expect(setCookie).toMatch(/quantrac_session=[A-Za-z0-9_-]{43};/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect(setCookie).not.toContain('Secure')
    expect(answer.body).toMatchObject({ kind: 'session', role: 'officer', facilities: ['fac-a'] })
    const cookie = sessionCookieOf(answer.headers)
    const me = await tenants.call('GET', '/api/v1/session', undefined, null, { cookie })
    expect(me.body).toMatchObject({ kind: 'session', user: { email: 'mai.officer@example.vn' } })
    expect(me.body.csrfToken).toBe(answer.body.csrfToken)
    const sensors = await tenants.call('GET', '/api/v1/facilities/fac-b', undefined, null, { cookie })
    expect(sensors.status).toBe(403)
  })

  it('marks the cookie Secure behind a TLS proxy when told to trust it', async () => {
    const behindProxy = await startTenants({
      settings: { sessions: { idleMs: 3_600_000, absoluteMs: 86_400_000, trustProxy: true } },
    })
    try {
      const answer = await behindProxy.call(
        'POST',
        '/api/v1/session',
        { email: 'sessionadmin@example.vn', password: PASSWORD },
        null,
        { 'x-forwarded-proto': 'https' },
      )
      expect(String(answer.headers['set-cookie'])).toContain('Secure')
    } finally {
      await behindProxy.close()
    }
  })

  it('refuses a signed-in write without the session’s CSRF token, and takes it with the token', async () => {
    const session = tenants.sessions.sessionContractorOwn!
    const body = { id: 'zone-csrf', name: 'Dyeing' }
    const without = await tenants.call(
      'POST',
      '/api/v1/facilities/fac-a/zones',
      body,
      null,
      withSession(session, false),
    )
    expect(without.status).toBe(403)
    expect(without.body.message).toContain('X-CSRF-Token')
    const wrong = await tenants.call('POST', '/api/v1/facilities/fac-a/zones', body, null, {
      cookie: session.cookie,
      'x-csrf-token': tenants.sessions.sessionAdmin!.csrf,
    })
    expect(wrong.status).toBe(403)
    expect((await tenants.registry.listZones('fac-a')).map((zone) => zone.id)).not.toContain('zone-csrf')
    const right = await tenants.call(
      'POST',
      '/api/v1/facilities/fac-a/zones',
      body,
      null,
      withSession(session),
    )
    expect(right.status).toBe(201)
    // A bearer key needs no token, as before.
    const keyed = await tenants.as('contractorOwn', 'POST', '/api/v1/facilities/fac-a/zones', {
      id: 'zone-keyed',
      name: 'Cutting',
    })
    expect(keyed.status).toBe(201)
  })

  it('names the person in the audit trail', async () => {
    const audit = await tenants.call('GET', '/api/v1/audit?action=zone.add', undefined)
    const entry = audit.body.items.find((item: { target: { id: string } }) => item.target.id === 'zone-csrf')
    expect(entry.actor).toEqual({
      keyId: `user:${tenants.sessions.sessionContractorOwn!.userId}`,
      name: 'sessionContractorOwn',
      role: 'contractor',
    })
  })

  it('signs out one session, and everywhere (the person or an admin, nobody else)', async () => {
    const user = await person('lan@example.vn', { role: 'regulator' })
    const first = await tenants.signIn('lan@example.vn')
    const second = await tenants.signIn('lan@example.vn')
    const out = await tenants.call('DELETE', '/api/v1/session', undefined, null, withSession(first))
    expect(out.status).toBe(204)
    expect(String(out.headers['set-cookie'])).toMatch(/quantrac_session=;/)
    expect(
      (await tenants.call('GET', '/api/v1/session', undefined, null, { cookie: first.cookie })).status,
    ).toBe(401)
    expect(
      (await tenants.call('GET', '/api/v1/session', undefined, null, { cookie: second.cookie })).status,
    ).toBe(200)

    const other = tenants.sessions.sessionOfficerOther!
    const byOther = await tenants.call(
      'DELETE',
      `/api/v1/users/${user.id}/sessions`,
      undefined,
      null,
      withSession(other),
    )
    expect(byOther.status).toBe(403)
    const third = await tenants.signIn('lan@example.vn')
    const everywhere = await tenants.call(
      'DELETE',
      `/api/v1/users/${user.id}/sessions`,
      undefined,
      null,
      withSession(second),
    )
    expect(everywhere.status).toBe(204)
    for (const session of [second, third]) {
      expect(
        (await tenants.call('GET', '/api/v1/session', undefined, null, { cookie: session.cookie })).status,
      ).toBe(401)
    }
  })

  it('throttles failed sign-ins per e-mail: the sixth within 15 minutes is refused unchecked, even with the right password', async () => {
    await person('throttled@example.vn', { role: 'regulator' })
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await tenants.call(
        'POST',
        '/api/v1/session',
        { email: 'throttled@example.vn', password: `guess ${attempt}` },
        null,
      )
      expect(wrong.status).toBe(401)
      expect(wrong.body.message).toBe('wrong e-mail or password')
    }
    const right = await tenants.call(
      'POST',
      '/api/v1/session',
      { email: 'THROTTLED@example.vn', password: PASSWORD },
      null,
    )
    expect(right.status).toBe(429)
    expect(right.headers['retry-after']).toBeDefined()
    expect(right.body.message).toContain('for this e-mail')
    // An unknown e-mail gets the same answer as a wrong password.
    const unknown = await tenants.call(
      'POST',
      '/api/v1/session',
      { email: 'nobody@example.vn', password: 'x' },
      null,
    )
    expect(unknown).toMatchObject({ status: 401, body: { message: 'wrong e-mail or password' } })
  })

  it('refuses a sign-in naming a field that is not one, and a body that is not JSON', async () => {
    const extra = await tenants.call(
      'POST',
      '/api/v1/session',
      { email: 'a@b.vn', password: 'x', role: 'admin' },
      null,
    )
    expect(extra.status).toBe(400)
    const form = await tenants.call('POST', '/api/v1/session', 'email=a@b.vn&password=x', null, {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(form.status).toBe(415)
  })

  it('refuses a disabled person’s session at once, and closes their live connection', async () => {
    const user = await person('disabled.soon@example.vn', { role: 'officer', facilityId: 'fac-a' })
    const session = await tenants.signIn('disabled.soon@example.vn')
    const socket = io(url, {
      transports: ['websocket'],
      extraHeaders: { cookie: session.cookie },
      reconnection: false,
      forceNew: true,
    })
    sockets.push(socket)
    expect(await socket.emitWithAck('join', 'fac-a')).toEqual({ ok: true, facilityId: 'fac-a' })
    expect(await socket.emitWithAck('join', 'fac-b')).toMatchObject({ ok: false })
    const refused = new Promise((resolve) => socket.once('key-refused', resolve))
    const disable = await tenants.call('POST', `/api/v1/users/${user.id}/disable`, undefined)
    expect(disable.status).toBe(200)
    expect(await refused).toMatchObject({ message: expect.stringContaining('disabled') })
    expect(
      (await tenants.call('GET', '/api/v1/alerts', undefined, null, { cookie: session.cookie })).status,
    ).toBe(401)
    const again = await tenants.call(
      'POST',
      '/api/v1/session',
      { email: 'disabled.soon@example.vn', password: PASSWORD },
      null,
    )
    expect(again).toMatchObject({ status: 401, body: { message: 'this account is disabled' } })
  })

  it('refuses a live connection opened with the cookie from another site’s page', async () => {
    const session = tenants.sessions.sessionAdmin!
    const socket = io(url, {
      transports: ['websocket'],
      extraHeaders: { cookie: session.cookie, origin: 'https://evil.example' },
      reconnection: false,
      forceNew: true,
    })
    sockets.push(socket)
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve))
    expect(error.message).toContain('own page')
  })
})
