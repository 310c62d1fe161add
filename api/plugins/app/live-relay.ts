import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { LIVE_SUBSCRIPTION, parseLiveTopic } from '../../../core/topics.ts'
import { alertResponse } from '../../routes/api/v1/alerts/index.ts'
import { exposureResponse } from '../../routes/api/v1/exposures/index.ts'

export function facilityRoom(facilityId: string): string {
  return `facility:${facilityId}`
}

/** The facility of a room `facilityRoom` named, or undefined for socket.io's own rooms (one per socket). */
export function roomFacility(room: string): string | undefined {
  return room.startsWith('facility:') ? room.slice('facility:'.length) : undefined
}

/**
 * The live feed: relays what ingest publishes on `quantrac/v1/live/{facilityId}/…` to the socket.io room of
 * that facility on this instance, as `reading`, `exposure` and `alert` events. Who may be in a room is
 * live-sockets.ts's business.
 */
export default fp(
  async function liveRelay(fastify: FastifyInstance) {
    const localRooms = fastify.io.of('/').adapter.rooms

    // Every API instance receives every live message over MQTT and serves its own sockets: it emits locally
    // (a Redis adapter would otherwise repeat each event once per instance), and not at all for a facility
    // none of its sockets watch, which spares parsing most of the feed.
    fastify.broker.onMessage(function relay(topic, payload) {
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
    await fastify.broker.subscribe(LIVE_SUBSCRIPTION)

    fastify.decorate('liveRelayConnected', () => fastify.broker.connected())
  },
  { name: 'live-relay', dependencies: ['socket-io', 'broker-client'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    liveRelayConnected(): boolean
  }
}
