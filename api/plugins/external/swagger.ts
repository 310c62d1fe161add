import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'

/** OpenAPI generated from the zod route schemas, served as a UI at /docs and as JSON at /docs/json. */
export default fp(
  async function swagger(fastify: FastifyInstance) {
    await fastify.register(fastifySwagger, {
      openapi: {
        info: {
          title: 'quantrac API',
          description: 'Readings, exposure and alerts of monitored workplaces',
          version: '1',
        },
      },
      transform: jsonSchemaTransform,
    })
    await fastify.register(fastifySwaggerUi, { routePrefix: '/docs' })
  },
  { name: 'swagger' },
)
