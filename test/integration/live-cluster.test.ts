import type { MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { issueApiKey } from '../../registry/api-keys.ts'
import { type Platform, type SensorCredentials, startPlatform } from '../support/platform.ts'
import { type RunningRedis, startRedis } from '../support/redis.ts'

const redisServerPath = inject('redisServerPath')

interface Heard {
  readings: string[]
  alerts: string[]
}

/**
 * Two API instances in one socket.io cluster (the Redis adapter on a real redis-server), the embedded broker
 * and ingest: each instance receives over MQTT the facilities its own sockets watch, and every socket hears
 * each event once, whichever instance it is on and whoever else watches.
 */
describe.skipIf(redisServerPath === null)(
  `the live feed across two API instances sharing Redis${redisServerPath === null ? ' (skipped: redis-server not installed)' : ''}`,
  () => {
    let redis: RunningRedis
    let platform: Platform
    let second: Awaited<ReturnType<Platform['startApiInstance']>>
    const sensors: Record<string, { credentials: SensorCredentials; client: MqttClient }> = {}
    const sockets: Socket[] = []
    let nextValue = 60

    const connect = (url: string, token = platform.adminKey) => {
      const socket = io(url, {
        transports: ['websocket'],
        auth: { token },
        reconnection: false,
        forceNew: true,
      })
      sockets.push(socket)
      return socket
    }

    async function watch(url: string, facilityId: string, socket = connect(url)) {
      expect(await socket.emitWithAck('join', facilityId)).toMatchObject({ ok: true })
      return socket
    }

    function hear(socket: Socket): Heard {
      const heard: Heard = { readings: [], alerts: [] }
      socket.on('reading', (r: { sensorId: string; value: number }) =>
        heard.readings.push(`${r.sensorId}=${r.value}`),
      )
      socket.on('alert', (a: { sensorId: string; kind: string }) =>
        heard.alerts.push(`${a.sensorId}:${a.kind}`),
      )
      return heard
    }

    /** Publishes readings of distinct values as the facility's sensor; returns what a socket should hear. */
    async function publish(facilityId: string, count: number): Promise<string[]> {
      const { credentials, client } = sensors[facilityId]!
      const sent: string[] = []
      for (let i = 0; i < count; i++) {
        const value = nextValue++
        await client.publishAsync(
          credentials.topic,
          JSON.stringify({ factor: 'noise', value, unit: 'dBA' }),
          {
            qos: 1,
          },
        )
        sent.push(`${credentials.username}=${value}`)
      }
      return sent
    }

    /**
     * The facilities each API instance's MQTT client is subscribed to, as the broker holds them (sorted;
     * both instances run in this process, so they are told apart by what they watch).
     */
    function subscribedFacilities(): string[][] {
      // aedes keeps its connected clients by id, each with its subscriptions; its types declare neither.
      const { clients: byId } = platform.broker!.broker as unknown as {
        clients: Record<string, { id: string; subscriptions: Record<string, unknown> }>
      }
      const clients = Object.values(byId).filter((c) => c.id.startsWith('quantrac-api-'))
      return clients
        .map((client) =>
          Object.keys(client.subscriptions)
            .flatMap((topic) => /^quantrac\/v1\/live\/([^/+#]+)\/readings$/.exec(topic)?.[1] ?? [])
            .sort(),
        )
        .sort((a, b) => a.join().localeCompare(b.join()) || a.length - b.length)
    }

    beforeAll(async () => {
      redis = await startRedis(redisServerPath!)
      platform = await startPlatform({ redisUrl: redis.url })
      second = await platform.startApiInstance()
      for (const facilityId of ['fac-1', 'fac-2']) {
        const credentials = await platform.registerSensor(facilityId, `${facilityId}-noise`, ['noise'])
        sensors[facilityId] = { credentials, client: await platform.connectSensor(credentials) }
      }
    })

    afterEach(() => {
      for (const socket of sockets.splice(0)) socket.close()
    })

    afterAll(async () => {
      for (const { client } of Object.values(sensors)) await client.endAsync()
      await second?.close()
      await platform?.stop()
      await redis?.stop()
    })

    it('subscribes each instance only to the facilities its sockets watch, and follows their rooms', async () => {
      await expect.poll(subscribedFacilities).toEqual([[], []])
      const onA = await watch(platform.apiUrl, 'fac-1')
      const onB = await watch(second.url, 'fac-2')
      expect(subscribedFacilities()).toEqual([['fac-1'], ['fac-2']])
      // A second socket in a room changes nothing; the instance's last socket leaving unsubscribes it.
      const alsoOnB = await watch(second.url, 'fac-1')
      expect(subscribedFacilities()).toEqual([['fac-1'], ['fac-1', 'fac-2']])
      const thirdOnB = await watch(second.url, 'fac-1')
      expect(subscribedFacilities()).toEqual([['fac-1'], ['fac-1', 'fac-2']])
      expect(await alsoOnB.emitWithAck('leave', 'fac-1')).toEqual({ ok: true })
      expect(subscribedFacilities()).toEqual([['fac-1'], ['fac-1', 'fac-2']])
      thirdOnB.close()
      await expect.poll(subscribedFacilities).toEqual([['fac-1'], ['fac-2']])
      onA.close()
      onB.close()
      await expect.poll(subscribedFacilities).toEqual([[], []])
    })

    it('gives a socket on one instance each event of a facility watched on the other once', async () => {
      const onA = hear(await watch(platform.apiUrl, 'fac-1'))
      const onB = hear(await watch(second.url, 'fac-1'))
      const otherOnB = hear(await watch(second.url, 'fac-2'))
      const sent = await publish('fac-1', 5)
      const other = await publish('fac-2', 2)
      // An impossible value opens one sensor-fault alert.
      const { credentials, client } = sensors['fac-1']!
      await client.publishAsync(
        credentials.topic,
        JSON.stringify({ factor: 'noise', value: 250, unit: 'dBA' }),
        {
          qos: 1,
        },
      )
      await expect.poll(() => onA.alerts).toEqual(['fac-1-noise:sensor-fault'])
      await expect.poll(() => onB.alerts).toEqual(['fac-1-noise:sensor-fault'])
      // The last reading heard, every one before it heard once: duplicates would have come by now.
      const marker = await publish('fac-1', 1)
      await expect.poll(() => onA.readings.at(-1)).toBe(marker[0])
      await expect.poll(() => onB.readings.at(-1)).toBe(marker[0])
      await expect.poll(() => otherOnB.readings).toEqual(other)
      expect(onA.readings).toEqual([...sent, ...marker])
      expect(onB.readings).toEqual([...sent, ...marker])
      expect(onA.alerts).toEqual(['fac-1-noise:sensor-fault'])
      expect(otherOnB.alerts).toEqual([])
    })

    it('disconnects a revoked key’s sockets on both instances', async () => {
      const { key, token } = await issueApiKey(platform.registry, {
        name: 'officer',
        role: 'officer',
        facilityId: 'fac-1',
      })
      const pair = [
        await watch(platform.apiUrl, 'fac-1', connect(platform.apiUrl, token)),
        await watch(second.url, 'fac-1', connect(second.url, token)),
      ]
      const refused = pair.map(
        (socket) => new Promise<unknown>((resolve) => socket.once('key-refused', resolve)),
      )
      const gone = pair.map((socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve)))
      expect((await platform.call('DELETE', `/api/v1/keys/${key.id}`)).status).toBe(204)
      expect(await Promise.all(refused)).toHaveLength(2)
      expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect'])
      // Their rooms on both instances are gone with them, and so are the subscriptions.
      await expect.poll(subscribedFacilities).toEqual([[], []])
    })
  },
)
