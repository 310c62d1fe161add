import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type {
  AlertRepository,
  NotificationRepository,
  Registry,
  RejectionLog,
} from '../../../registry/types.ts'
import type { TimeSeriesStore } from '../../../store/types.ts'

export interface Services {
  store: TimeSeriesStore
  registry: Registry
  alerts: AlertRepository
  /** Each sensor's recent rejections, as ingest (perhaps another process) recorded them. */
  rejections: RejectionLog
  /** Notification channels, escalation policies, the outbox and ack tokens. */
  notifications: NotificationRepository
}

declare module 'fastify' {
  interface FastifyInstance extends Services {}
}

/** The storage the routes read from, opened by the caller and passed in: the API owns none of it. */
export default fp(
  async function services(fastify: FastifyInstance, options: Services) {
    fastify.decorate('store', options.store)
    fastify.decorate('registry', options.registry)
    fastify.decorate('alerts', options.alerts)
    fastify.decorate('rejections', options.rejections)
    fastify.decorate('notifications', options.notifications)
  },
  { name: 'services' },
)

declare module 'fastify' {
  interface FastifyInstance {
    /** The notification settings the routes check against (api/config.ts). */
    notifySettings: { webhookAllowedHosts?: string[] }
  }
}
