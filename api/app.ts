import type { FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import errorHandler from './plugins/app/error-handler.ts'
import liveRelay, { type LiveRelayOptions } from './plugins/app/live-relay.ts'
import liveUi from './plugins/app/live-ui.ts'
import services, { type Services } from './plugins/app/services.ts'
import socketIo from './plugins/external/socket-io.ts'
import swagger from './plugins/external/swagger.ts'
import alertRoutes from './routes/api/v1/alerts/index.ts'
import exposureRoutes from './routes/api/v1/exposures/index.ts'
import facilityRoutes from './routes/api/v1/facilities/index.ts'
import readingRoutes from './routes/api/v1/readings/index.ts'
import sensorRoutes from './routes/api/v1/sensors/index.ts'
import healthRoutes from './routes/health.ts'

export interface AppOptions extends Services {
  live: LiveRelayOptions
}

/** The API as a plugin: it never listens, so tests drive it with `inject` and server.ts decides the port. */
export default async function app(fastify: FastifyInstance, options: AppOptions) {
  fastify.setValidatorCompiler(validatorCompiler)
  fastify.setSerializerCompiler(serializerCompiler)

  await fastify.register(swagger)
  await fastify.register(socketIo)
  await fastify.register(errorHandler)
  await fastify.register(services, {
    store: options.store,
    registry: options.registry,
    alerts: options.alerts,
  })
  await fastify.register(liveRelay, options.live)

  await fastify.register(healthRoutes)
  await fastify.register(facilityRoutes, { prefix: '/api/v1/facilities' })
  await fastify.register(sensorRoutes, { prefix: '/api/v1/sensors' })
  await fastify.register(readingRoutes, { prefix: '/api/v1/readings' })
  await fastify.register(alertRoutes, { prefix: '/api/v1/alerts' })
  await fastify.register(exposureRoutes, { prefix: '/api/v1/exposures' })
  await fastify.register(liveUi)
}
