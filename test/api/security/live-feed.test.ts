import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { liveTopic } from '../../../core/topics.ts'
import { issueApiKey } from '../../../registry/api-keys.ts'
import { testFacility } from '../../support/platform.ts'
import { type Caller, startTenants, type Tenants } from './tenants.ts'

const CAPS = { maxRoomsPerSocket: 3, maxSocketsPerKey: 2, recheckIntervalMs: 60 * 60_000 }

describe('the live feed’s caps and who stays connected', () => {
  let tenants: Tenants
  let url: string
  const sockets: Socket[] = []

  function connect(token: string | null): Socket {
    const socket = io(url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
    })
    sockets.push(socket)
    return socket
  }
  const connectAs = (caller: Caller) => connect(tenants.keys[caller] ?? null)

  /** Resolves when the socket is connected, or rejects with the server's reason. */
  function connected(socket: Socket): Promise<void> {
    return new Promise((resolve, reject) => {
      if (socket.connected) return resolve()
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
  }

  function disconnected(socket: Socket): Promise<string> {
    return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)))
  }

  /** Readings of fac-a that reached the socket, from a live message published as ingest would. */
  function readingsHeard(socket: Socket): number[] {
    const heard: number[] = []
    socket.on('reading', (reading: { value: number }) => heard.push(reading.value))
    return heard
  }
  function publishReading(facilityId: string, value: number) {
    const reading = { facilityId, sensorId: 's', factor: 'noise', value, unit: 'dBA', time: Date.now() }
    tenants.broker.publish(liveTopic(facilityId, 'readings'), JSON.stringify({ readings: [reading] }))
  }

  beforeAll(async () => {
    tenants = await startTenants({ settings: { live: CAPS } })
    for (const id of ['fac-c', 'fac-d']) await tenants.registry.createFacility(testFacility(id))
    url = await tenants.listen()
  })

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  afterAll(async () => {
    await tenants?.close()
  })

  it('refuses to join a facility that does not exist, and answers a scoped key alike for a foreign one', async () => {
    const regulator = connectAs('regulator')
    expect(await regulator.emitWithAck('join', 'nope')).toEqual({ ok: false, error: 'no facility nope' })
    expect(await regulator.emitWithAck('join', 'fac-b')).toEqual({ ok: true, facilityId: 'fac-b' })
    const officer = connectAs('officerOwn')
    const foreign = await officer.emitWithAck('join', 'fac-b')
    const unknown = await officer.emitWithAck('join', 'nope')
    expect(foreign).toEqual({ ok: false, error: 'this key does not reach facility fac-b' })
    expect(unknown).toEqual({ ok: false, error: 'this key does not reach facility nope' })
  })

  it('lets one socket watch at most the configured number of facilities', async () => {
    const admin = connectAs('admin')
    for (const id of ['fac-a', 'fac-b', 'fac-c'])
      expect(await admin.emitWithAck('join', id)).toMatchObject({ ok: true })
    // Joining a room it is in already takes no more room.
    expect(await admin.emitWithAck('join', 'fac-a')).toMatchObject({ ok: true })
    expect(await admin.emitWithAck('join', 'fac-d')).toEqual({
      ok: false,
      error: 'a connection may watch at most 3 facilities: leave one first',
    })
    await admin.emitWithAck('leave', 'fac-c')
    expect(await admin.emitWithAck('join', 'fac-d')).toMatchObject({ ok: true })
  })

  it('lets one key hold at most the configured number of sockets', async () => {
    const [first, second] = [connectAs('contractorOwn'), connectAs('contractorOwn')]
    await Promise.all([connected(first), connected(second)])
    const third = connectAs('contractorOwn')
    await expect(connected(third)).rejects.toThrow(
      'this key has 2 live connections open, the most allowed: close one first',
    )
    const gone = disconnected(first)
    first.close()
    await gone
    await expect
      .poll(async () =>
        connected(connectAs('contractorOwn')).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true)
  })

  it('counts handshakes that arrive together', async () => {
    const { token } = await issueApiKey(tenants.registry, { name: 'burst', role: 'regulator' })
    const burst = Array.from({ length: 10 }, () => connect(token))
    const outcomes = await Promise.all(
      burst.map((socket) =>
        connected(socket).then(
          () => 'in',
          () => 'out',
        ),
      ),
    )
    expect(outcomes.filter((outcome) => outcome === 'in')).toHaveLength(2)
  })

  it('survives hostile join and leave messages', async () => {
    const officer = connectAs('officerOwn')
    await connected(officer)
    officer.emit('join', 'fac-a', 5)
    officer.emit('join', { toString: 'fac-a' })
    officer.emit('join')
    officer.emit('leave', ['fac-a'], 'not a function')
    expect(await officer.emitWithAck('join', '../fac-b')).toEqual({
      ok: false,
      error: 'facilityId must be a valid facility id',
    })
    expect(await officer.emitWithAck('join', 'fac-a')).toEqual({ ok: true, facilityId: 'fac-a' })
  })

  it('disconnects a key’s sockets when the key is revoked, and they hear nothing more', async () => {
    const { key, token } = await issueApiKey(tenants.registry, {
      name: 'to revoke',
      role: 'officer',
      facilityId: 'fac-a',
    })
    const socket = connect(token)
    const heard = readingsHeard(socket)
    const refused = new Promise((resolve) => socket.once('key-refused', resolve))
    expect(await socket.emitWithAck('join', 'fac-a')).toMatchObject({ ok: true })
    publishReading('fac-a', 1)
    await expect.poll(() => heard).toEqual([1])
    const gone = disconnected(socket)
    expect((await tenants.as('admin', 'DELETE', `/api/v1/keys/${key.id}`)).status).toBe(204)
    expect(await refused).toEqual({ message: 'unknown, revoked or expired API key' })
    expect(await gone).toBe('io server disconnect')
    publishReading('fac-a', 2)
    expect(heard).toEqual([1])
    expect(tenants.broker.published.map((message) => message.topic)).toContain(
      `quantrac/v1/registry/keys/${key.id}`,
    )
  })

  it('disconnects a key’s sockets when the key expires', async () => {
    const { token } = await issueApiKey(tenants.registry, {
      name: 'brief',
      role: 'regulator',
      expiresAt: Date.now() + 1500,
    })
    const socket = connect(token)
    await connected(socket)
    expect(await disconnected(socket)).toBe('io server disconnect')
    await expect(connected(connect(token))).rejects.toThrow('unknown, revoked or expired API key')
  })

  it('takes a contractor out of a facility’s room when the facility drops it, and refuses it again', async () => {
    await tenants.registry.createOrganisation({ id: 'cc', name: 'Contractor C', kind: 'contractor' })
    await tenants.registry.createFacility(testFacility('fac-e', { contractorIds: ['cc'] }))
    const { token } = await issueApiKey(tenants.registry, {
      name: 'c',
      role: 'contractor',
      organisationId: 'cc',
    })
    const socket = connect(token)
    const heard = readingsHeard(socket)
    expect(await socket.emitWithAck('join', 'fac-e')).toMatchObject({ ok: true })
    const left = new Promise((resolve) => socket.once('left', resolve))
    expect(
      (await tenants.as('admin', 'PATCH', '/api/v1/facilities/fac-e', { contractorIds: [] })).status,
    ).toBe(200)
    expect(await left).toEqual({ facilityId: 'fac-e', message: 'this key no longer reaches facility fac-e' })
    publishReading('fac-e', 3)
    expect(await socket.emitWithAck('join', 'fac-e')).toMatchObject({ ok: false })
    expect(heard).toEqual([])
    expect(socket.connected).toBe(true)
  })

  it('lets a contractor join a facility it was given while connected', async () => {
    const { token } = await issueApiKey(tenants.registry, {
      name: 'c2',
      role: 'contractor',
      organisationId: 'cc',
    })
    const socket = connect(token)
    expect(await socket.emitWithAck('join', 'fac-d')).toMatchObject({ ok: false })
    expect(
      (await tenants.as('admin', 'PATCH', '/api/v1/facilities/fac-d', { contractorIds: ['cc'] })).status,
    ).toBe(200)
    await expect.poll(async () => (await socket.emitWithAck('join', 'fac-d')).ok).toBe(true)
  })
})

describe('the live feed without an announcement', () => {
  let tenants: Tenants

  beforeAll(async () => {
    tenants = await startTenants({ settings: { live: { ...CAPS, recheckIntervalMs: 200 } } })
  })

  afterAll(async () => {
    await tenants?.close()
  })

  it('disconnects a key revoked straight in the registry (quantrac admin) at its next check', async () => {
    const url = await tenants.listen()
    const { key, token } = await issueApiKey(tenants.registry, { name: 'cli', role: 'regulator' })
    const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false })
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const gone = new Promise((resolve) => socket.once('disconnect', resolve))
    await tenants.registry.revokeApiKey(key.id)
    expect(await gone).toBe('io server disconnect')
    socket.close()
  })
})
