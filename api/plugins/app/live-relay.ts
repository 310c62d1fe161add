import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { LIVE_NOTICES_SUBSCRIPTION, parseLiveTopic } from '../../../core/topics.ts'
import type { LiveNotice } from '../../../ingest/live-feed.ts'
import { canReach, type Principal } from '../../access.ts'
import { alertResponse } from '../../schemas/alert.ts'
import { exposureResponse } from '../../schemas/exposure.ts'
import { createLiveSubscriptions, type LiveSubscriptions } from './live-subscriptions.ts'

export function facilityRoom(facilityId: string): string {
  return `facility:${facilityId}`
}

/** The facility of a room `facilityRoom` named, or undefined for socket.io's own rooms (one per socket). */
export function roomFacility(room: string): string | undefined {
  return room.startsWith('facility:') ? room.slice('facility:'.length) : undefined
}

/**
 * The live feed: relays what ingest publishes on `quantrac/v1/live/{facilityId}/…` to the socket.io room of
 * that facility on this instance, as `reading`, `exposure` and `alert` events. The instance subscribes to a
 * facility's live topics when its room gets its first socket here and unsubscribes when the last one leaves
 * (live-subscriptions.ts). Who may be in a room is live-sockets.ts's business. A `notice` goes to the
 * sockets of the keys it names (those who acknowledged an alert that escalated), whether or not they watch
 * the facility, as long as the key still reaches it.
 */
export default fp(
  async function liveRelay(fastify: FastifyInstance) {
    const adapter = fastify.io.of('/').adapter
    const localRooms = adapter.rooms
    const subscriptions = createLiveSubscriptions(
      fastify.broker,
      (facilityId) => localRooms.has(facilityRoom(facilityId)),
      fastify.log.child({ component: 'live-relay' }),
    )
    // Each instance hears over MQTT the facilities its own sockets watch and emits to them locally: through
    // the Redis adapter every instance watching a facility would repeat each event to every other one. The
    // adapter's rooms are this instance's too (the Redis adapter only adds the cluster's broadcasts).
    for (const event of ['create-room', 'delete-room'] as const) {
      adapter.on(event, function followRoom(room: string) {
        const facilityId = roomFacility(room)
        if (facilityId !== undefined) subscriptions.changed(facilityId)
      })
    }

    // Notices are rare (an escalation of an acknowledged alert): looking through the sockets costs nothing
    // worth a room per key, which would also count against a socket's rooms (live-sockets.ts).
    function relayNotice(notice: LiveNotice): void {
      const keys = new Set(notice.to.flatMap((actor) => (actor.keyId === undefined ? [] : [actor.keyId])))
      if (keys.size === 0) return
      const message = {
        type: notice.type,
        at: new Date(notice.at).toISOString(),
        alert: alertResponse(notice.alert),
      }
      for (const socket of fastify.io.of('/').sockets.values()) {
        const principal = socket.data.principal as Principal | undefined
        if (principal === undefined || !keys.has(principal.keyId)) continue
        if (canReach(principal, notice.alert.facilityId)) socket.emit('notice', message)
      }
    }

    fastify.broker.onMessage(function relay(topic, payload) {
      const address = parseLiveTopic(topic)
      if (address === undefined) return
      if (address.kind === 'notices') {
        try {
          relayNotice(JSON.parse(payload.toString('utf8')) as LiveNotice)
        } catch (err) {
          fastify.log.warn({ err, topic }, 'live relay: unreadable notice')
        }
        return
      }
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
    await fastify.broker.subscribe(LIVE_NOTICES_SUBSCRIPTION)

    fastify.decorate('liveRelayConnected', () => fastify.broker.connected())
    fastify.decorate('liveSubscriptions', subscriptions)
  },
  { name: 'live-relay', dependencies: ['socket-io', 'broker-client'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    liveRelayConnected(): boolean
    /** This instance's subscriptions to the facilities its sockets watch. */
    liveSubscriptions: LiveSubscriptions
  }
}
