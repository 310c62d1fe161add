import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { LIVE_SUBSCRIPTION, parseLiveTopic } from '../../../core/topics.ts'
import { canReach, type Principal } from '../../access.ts'
import { alertResponse } from '../../routes/api/v1/alerts/index.ts'
import { idSchema } from '../../routes/api/v1/common-schemas.ts'
import { exposureResponse } from '../../routes/api/v1/exposures/index.ts'

export function facilityRoom(facilityId: string): string {
  return `facility:${facilityId}`
}

/**
 * The live feed: relays what ingest publishes on `quantrac/v1/live/{facilityId}/…` to the socket.io
 * room of that facility on this instance. A client connects with its API key, joins with `socket.emit('join', facilityId, ack)`
 * — only facilities its key reaches — and then receives `reading`, `exposure` and `alert` events.
 */
export default fp(
  async function liveRelay(fastify: FastifyInstance) {
    const client = fastify.mqtt
    const localRooms = fastify.io.of('/').adapter.rooms

    // Every API instance receives every live message over MQTT and serves its own sockets: it emits locally
    // (a Redis adapter would otherwise repeat each event once per instance), and not at all for a facility
    // none of its sockets watch, which spares parsing most of the feed.
    client.on('message', function relay(topic, payload) {
      const address = parseLiveTopic(topic)
      if (address === undefined) return
      const name = facilityRoom(address.facilityId)
      if (!localRooms.has(name)) return
      const room = fastify.io.local.to(name)
      try {
        const message = JSON.parse(payload.toString('utf8'))
        if (address.kind === 'alerts') room.emit('alert', alertResponse(message))
        else if (address.kind === 'exposures')
          for (const exposure of message.exposures) room.emit('exposure', exposureResponse(exposure))
        else
          for (const reading of message.readings) {
            room.emit('reading', { ...reading, time: new Date(reading.time).toISOString() })
          }
      } catch (err) {
        fastify.log.warn({ err, topic }, 'live relay: unreadable message from ingest')
      }
    })
    await client.subscribeAsync(LIVE_SUBSCRIPTION, { qos: 1 })

    // The handshake carries the same API key as REST: `io(url, { auth: { token: 'qk_…' } })`.
    fastify.io.use(function authenticateSocket(socket, next) {
      const token = (socket.handshake.auth as { token?: unknown }).token
      fastify
        .authenticate(typeof token === 'string' ? token : undefined)
        .then((principal) => {
          socket.data.principal = principal
          next()
        })
        .catch((err: Error) => next(err))
    })

    fastify.io.on('connection', function onConnection(socket) {
      const principal = socket.data.principal as Principal
      socket.on('join', (facilityId: unknown, ack?: (answer: object) => void) => {
        const parsed = idSchema.safeParse(facilityId)
        if (!parsed.success) return ack?.({ ok: false, error: 'facilityId must be a valid facility id' })
        if (!canReach(principal, parsed.data)) {
          return ack?.({ ok: false, error: `this key does not reach facility ${parsed.data}` })
        }
        void socket.join(facilityRoom(parsed.data))
        ack?.({ ok: true, facilityId: parsed.data })
      })
      socket.on('leave', (facilityId: unknown, ack?: (answer: object) => void) => {
        if (typeof facilityId === 'string') void socket.leave(facilityRoom(facilityId))
        ack?.({ ok: true })
      })
    })

    fastify.decorate('liveRelayConnected', () => client.connected)
  },
  { name: 'live-relay', dependencies: ['socket-io', 'mqtt', 'auth'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    liveRelayConnected(): boolean
  }
}
