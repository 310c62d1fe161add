import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { connectAsync } from 'mqtt'
import { LIVE_SUBSCRIPTION, parseLiveTopic } from '../../../core/topics.ts'
import { alertResponse } from '../../routes/api/v1/alerts/index.ts'
import { idSchema } from '../../routes/api/v1/common-schemas.ts'
import { exposureResponse } from '../../routes/api/v1/exposures/index.ts'

export interface LiveRelayOptions {
  mqttUrl: string
  username?: string
  password?: string
}

export function facilityRoom(facilityId: string): string {
  return `facility:${facilityId}`
}

/**
 * The live feed: relays what ingest publishes on `quantrac/v1/live/{facilityId}/…` to the socket.io
 * room of that facility. A client joins with `socket.emit('join', facilityId, ack)` and then receives
 * `reading`, `exposure` and `alert` events.
 */
export default fp(
  async function liveRelay(fastify: FastifyInstance, options: LiveRelayOptions) {
    const client = await connectAsync(options.mqttUrl, {
      username: options.username,
      password: options.password,
      clientId: `quantrac-api-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 1000,
    })
    client.on('error', (err) => fastify.log.error({ err }, 'live relay: MQTT client error'))

    client.on('message', function relay(topic, payload) {
      const address = parseLiveTopic(topic)
      if (address === undefined) return
      const room = fastify.io.to(facilityRoom(address.facilityId))
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

    fastify.io.on('connection', function onConnection(socket) {
      socket.on('join', (facilityId: unknown, ack?: (answer: object) => void) => {
        const parsed = idSchema.safeParse(facilityId)
        if (!parsed.success) return ack?.({ ok: false, error: 'facilityId must be a valid facility id' })
        void socket.join(facilityRoom(parsed.data))
        ack?.({ ok: true, facilityId: parsed.data })
      })
      socket.on('leave', (facilityId: unknown, ack?: (answer: object) => void) => {
        if (typeof facilityId === 'string') void socket.leave(facilityRoom(facilityId))
        ack?.({ ok: true })
      })
    })

    fastify.decorate('liveRelayConnected', () => client.connected)
    fastify.addHook('onClose', async () => {
      await client.endAsync()
    })
  },
  { name: 'live-relay', dependencies: ['socket-io'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    liveRelayConnected(): boolean
  }
}
