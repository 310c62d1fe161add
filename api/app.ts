import type { FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { MetricsRegistry } from '../metrics/index.ts'
import type { BrokerClient } from './broker-client.ts'
import type { ApiSettings } from './config.ts'
import accountMailer from './plugins/app/account-mailer.ts'
import audit from './plugins/app/audit.ts'
import auth from './plugins/app/auth.ts'
import brokerClient from './plugins/app/broker-client.ts'
import errorHandler from './plugins/app/error-handler.ts'
import liveRelay from './plugins/app/live-relay.ts'
import liveSockets from './plugins/app/live-sockets.ts'
import liveUi from './plugins/app/live-ui.ts'
import metrics from './plugins/app/metrics.ts'
import securityHeaders from './plugins/app/security-headers.ts'
import services, { type Services } from './plugins/app/services.ts'
import strictQuery from './plugins/app/strict-query.ts'
import cookie from './plugins/external/cookie.ts'
import socketIo from './plugins/external/socket-io.ts'
import swagger from './plugins/external/swagger.ts'
import ackRoutes from './routes/ack.ts'
import alertRoutes from './routes/api/v1/alerts/index.ts'
import alertNotificationRoutes from './routes/api/v1/alerts/notifications.ts'
import auditRoutes from './routes/api/v1/audit/index.ts'
import campaignRoutes from './routes/api/v1/campaigns/index.ts'
import exposureRoutes from './routes/api/v1/exposures/index.ts'
import shiftReportRoutes from './routes/api/v1/exposures/shift.ts'
import facilityRoutes from './routes/api/v1/facilities/index.ts'
import notificationChannelRoutes from './routes/api/v1/facilities/notification-channels.ts'
import factorRoutes from './routes/api/v1/factors/index.ts'
import invitationRoutes from './routes/api/v1/invitations/index.ts'
import keyRoutes from './routes/api/v1/keys/index.ts'
import organisationRoutes from './routes/api/v1/organisations/index.ts'
import passwordResetRoutes from './routes/api/v1/password-resets/index.ts'
import provinceRoutes from './routes/api/v1/provinces/index.ts'
import readingRoutes from './routes/api/v1/readings/index.ts'
import reportRoutes from './routes/api/v1/reports/index.ts'
import provincialRoutes from './routes/api/v1/reports/provincial.ts'
import sensorRoutes from './routes/api/v1/sensors/index.ts'
import sensorReadingRoutes from './routes/api/v1/sensors/readings.ts'
import sensorRejectionRoutes from './routes/api/v1/sensors/rejections.ts'
import sessionRoutes from './routes/api/v1/session/index.ts'
import secondFactorRoutes from './routes/api/v1/session/second-factor.ts'
import userRoutes from './routes/api/v1/users/index.ts'
import healthRoutes, { type HealthOptions } from './routes/health.ts'

export interface AppOptions extends Services {
  /**
   * The broker the live feed and registry announcements go through, connected by the caller with the
   * services' credentials (`connectBrokerClient`); tests pass an in-memory one.
   */
  broker: BrokerClient
  settings: ApiSettings
  /** The platform's metrics registry, served at /metrics: ingest's and the broker's too when they run here. */
  metrics: MetricsRegistry
  /** What /health reports beyond the API's own parts: ingest's spool when it runs in this process. */
  health?: HealthOptions
}

/**
 * The API as a plugin: it never listens (server.ts decides the port), and everything it talks to is passed
 * in — storage, the broker client, the metrics registry — so tests build it without servers and drive it
 * with `inject` (test/support/api.ts: a temporary SQLite registry and store, an in-memory broker).
 */
export default async function app(fastify: FastifyInstance, options: AppOptions) {
  fastify.setValidatorCompiler(validatorCompiler)
  fastify.setSerializerCompiler(serializerCompiler)

  await fastify.register(swagger)
  await fastify.register(socketIo, { redisUrl: options.settings.redisUrl })
  await fastify.register(securityHeaders)
  await fastify.register(errorHandler)
  await fastify.register(strictQuery)
  await fastify.register(services, {
    store: options.store,
    registry: options.registry,
    alerts: options.alerts,
    rejections: options.rejections,
    notifications: options.notifications,
  })
  fastify.decorate('notifySettings', options.settings.notifications)
  await fastify.register(brokerClient, { client: options.broker })
  await fastify.register(cookie)
  await fastify.register(auth, { sessions: options.settings.sessions })
  await fastify.register(audit)
  await fastify.register(accountMailer, options.settings.accounts)
  await fastify.register(liveRelay)
  await fastify.register(liveSockets, { ...options.settings.live, sessions: options.settings.sessions })

  await fastify.register(healthRoutes, options.health ?? {})
  await fastify.register(metrics, { registry: options.metrics, token: options.settings.metricsToken })
  await fastify.register(organisationRoutes, { prefix: '/api/v1/organisations' })
  await fastify.register(facilityRoutes, { prefix: '/api/v1/facilities' })
  await fastify.register(notificationChannelRoutes, { prefix: '/api/v1/facilities' })
  await fastify.register(sensorRoutes, {
    prefix: '/api/v1/sensors',
    brokerUrl: options.settings.sensorBrokerUrl,
  })
  await fastify.register(sensorReadingRoutes, { prefix: '/api/v1/sensors' })
  await fastify.register(sensorRejectionRoutes, { prefix: '/api/v1/sensors' })
  await fastify.register(readingRoutes, { prefix: '/api/v1/readings' })
  await fastify.register(exposureRoutes, { prefix: '/api/v1/exposures' })
  await fastify.register(shiftReportRoutes, { prefix: '/api/v1/exposures' })
  await fastify.register(alertRoutes, { prefix: '/api/v1/alerts' })
  await fastify.register(alertNotificationRoutes, { prefix: '/api/v1/alerts' })
  await fastify.register(keyRoutes, { prefix: '/api/v1/keys' })
  await fastify.register(sessionRoutes, { prefix: '/api/v1/session', ...options.settings.sessions })
  await fastify.register(secondFactorRoutes, { prefix: '/api/v1/session/totp' })
  await fastify.register(userRoutes, { prefix: '/api/v1/users' })
  await fastify.register(passwordResetRoutes, {
    prefix: '/api/v1/password-resets',
    ...options.settings.accounts,
  })
  await fastify.register(invitationRoutes, { prefix: '/api/v1/invitations', ...options.settings.accounts })
  await fastify.register(auditRoutes, { prefix: '/api/v1/audit' })
  await fastify.register(reportRoutes, { prefix: '/api/v1/reports' })
  await fastify.register(provincialRoutes, { prefix: '/api/v1/reports' })
  await fastify.register(campaignRoutes, { prefix: '/api/v1/campaigns' })
  await fastify.register(provinceRoutes, { prefix: '/api/v1/provinces' })
  await fastify.register(factorRoutes, { prefix: '/api/v1/factors' })
  await fastify.register(ackRoutes)
  await fastify.register(liveUi)
}
