import type { MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { keyChangeTopic } from '../../core/topics.ts'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, type SensorCredentials, startPlatform, testFacility } from '../support/platform.ts'

// Longer than any wait below: whatever is disconnected here was told by an announcement, not by the sweep.
const NO_SWEEP = { maxRoomsPerSocket: 50, maxSocketsPerKey: 20, recheckIntervalMs: 10 * 60_000 }
const ANNOUNCED_WITHIN_MS = 10_000

/**
 * Access to the live feed follows the registry across API instances: two instances on one broker, sockets
 * on both, and a change made through one of them.
 */
describe('live feed access across API instances', () => {
  let platform: Platform
  let second: Awaited<ReturnType<Platform['startApiInstance']>>
  let sensor: SensorCredentials
  let sensorClient: MqttClient
  const sockets: Socket[] = []
  const elapsed: number[] = []

  const connect = (url: string, token: string) => {
    const socket = io(url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
    })
    sockets.push(socket)
    return socket
  }

  /** Joins fac-a on both instances with the same key. */
  async function watchOnBoth(token: string): Promise<Socket[]> {
    const pair = [connect(platform.apiUrl, token), connect(second.url, token)]
    for (const socket of pair) expect(await socket.emitWithAck('join', 'fac-a')).toMatchObject({ ok: true })
    return pair
  }

  function disconnected(socket: Socket): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('still connected')), ANNOUNCED_WITHIN_MS)
      socket.once('disconnect', (reason) => {
        clearTimeout(timer)
        resolve(reason)
      })
    })
  }

  function readingsHeard(socket: Socket): number[] {
    const heard: number[] = []
    socket.on('reading', (reading: { value: number }) => heard.push(reading.value))
    return heard
  }

  const publishReading = (value: number) =>
    sensorClient.publishAsync(sensor.topic, JSON.stringify({ factor: 'noise', value, unit: 'dBA' }), {
      qos: 1,
    })

  beforeAll(async () => {
    platform = await startPlatform({ api: { live: NO_SWEEP } })
    second = await platform.startApiInstance()
    await platform.registry.createOrganisation({ id: 'ca', name: 'Contractor A', kind: 'contractor' })
    await platform.registry.createFacility(
      testFacility('fac-a', { contractorIds: ['ca'], hazards: ['noise'] }),
    )
    sensor = await platform.registerSensor('fac-a', 'sa', ['noise'])
    sensorClient = await platform.connectSensor(sensor)
  })

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close()
  })

  afterAll(async () => {
    console.info(
      `live feed: ${elapsed.length} changes reached both instances, the slowest ${Math.max(...elapsed)} ms after the request`,
    )
    await sensorClient?.endAsync()
    await second?.close()
    await platform?.stop()
  })

  it('disconnects a revoked key’s sockets on every instance', async () => {
    const { key, token } = await issueApiKey(platform.registry, {
      name: 'o',
      role: 'officer',
      facilityId: 'fac-a',
    })
    const pair = await watchOnBoth(token)
    const heard = pair.map(readingsHeard)
    await publishReading(70)
    await expect.poll(() => heard).toEqual([[70], [70]])
    const gone = pair.map(disconnected)
    const start = Date.now()
    expect((await platform.call('DELETE', `/api/v1/keys/${key.id}`)).status).toBe(204)
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect'])
    elapsed.push(Date.now() - start)
    await publishReading(71)
    expect(heard).toEqual([[70], [70]])
  })

  it('disconnects an expiring key’s sockets on every instance', async () => {
    const { token } = await issueApiKey(platform.registry, {
      name: 'brief',
      role: 'regulator',
      expiresAt: Date.now() + 2000,
    })
    const pair = await watchOnBoth(token)
    expect(await Promise.all(pair.map(disconnected))).toEqual([
      'io server disconnect',
      'io server disconnect',
    ])
  })

  it('takes a contractor dropped from a facility out of its room on every instance', async () => {
    const { token } = await issueApiKey(platform.registry, {
      name: 'c',
      role: 'contractor',
      organisationId: 'ca',
    })
    const officer = (
      await issueApiKey(platform.registry, { name: 'w', role: 'officer', facilityId: 'fac-a' })
    ).token
    const contractors = await watchOnBoth(token)
    const watcher = connect(second.url, officer)
    expect(await watcher.emitWithAck('join', 'fac-a')).toMatchObject({ ok: true })
    const [heardByContractors, heardByWatcher] = [contractors.map(readingsHeard), readingsHeard(watcher)]
    const left = contractors.map((socket) => new Promise((resolve) => socket.once('left', resolve)))
    const start = Date.now()
    const patched = await fetch(`${second.url}/api/v1/facilities/fac-a`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contractorIds: [] }),
    })
    expect(patched.status).toBe(200)
    expect(await Promise.all(left)).toEqual([
      { facilityId: 'fac-a', message: 'this key no longer reaches facility fac-a' },
      { facilityId: 'fac-a', message: 'this key no longer reaches facility fac-a' },
    ])
    elapsed.push(Date.now() - start)
    await publishReading(72)
    await expect.poll(() => heardByWatcher).toEqual([72])
    expect(heardByContractors).toEqual([[], []])
    for (const socket of contractors)
      expect(await socket.emitWithAck('join', 'fac-a')).toMatchObject({ ok: false })
  })

  it('keeps the registry topics to the services: a sensor may neither announce nor listen', async () => {
    const refusedBefore = platform.broker!.counters.publishesRefused
    const client = await platform.connectSensor(sensor)
    await expect(
      client.subscribeAsync(['quantrac/v1/registry/keys/+', 'quantrac/v1/registry/#']),
    ).rejects.toThrow(/Subscribe error/)
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    client.publish(keyChangeTopic('anything'), '', { qos: 1 })
    await closed
    client.end(true)
    expect(platform.broker!.counters.publishesRefused).toBe(refusedBefore + 1)
  })
})
