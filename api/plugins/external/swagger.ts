import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'

/**
 * Swagger UI loads its own scripts and styles from /docs/static and calls the API on this origin; nothing
 * from elsewhere (its validator badge would fetch from validator.swagger.io: switched off). The one inline
 * thing is a <style> element its authorisation dialog renders, allowed by its hash:
 * test/integration/docs-page.test.ts fails if an upgrade of Swagger UI changes it.
 */
const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

/**
 * OpenAPI generated from the zod route schemas, served as a UI at /docs and as JSON at /docs/json. Routes
 * that declare roles (plugins/app/auth.ts) are marked as needing the bearer API key or a person's session
 * cookie, so Swagger UI has an Authorize button and "Try it out" sends the key.
 */
export default fp(
  async function swagger(fastify: FastifyInstance) {
    await fastify.register(fastifySwagger, {
      openapi: {
        info: {
          title: 'quantrac API',
          description: 'Readings, exposure and alerts of monitored workplaces',
          version: '1',
        },
        components: {
          securitySchemes: {
            apiKey: {
              type: 'http',
              scheme: 'bearer',
              description: 'An API key, qk_…: POST /api/v1/keys or `quantrac admin create-key`',
            },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: 'quantrac_session',
              description:
                'A person signed in (POST /api/v1/session); writes also send X-CSRF-Token (GET /api/v1/session)',
            },
          },
        },
      },
      transform(input) {
        const transformed = jsonSchemaTransform(input)
        if (input.route.config?.roles === undefined) return transformed
        return {
          ...transformed,
          schema: { ...transformed.schema, security: [{ apiKey: [] }, { session: [] }] },
        }
      },
    })
    await fastify.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      staticCSP: DOCS_CONTENT_SECURITY_POLICY,
      uiConfig: { validatorUrl: null },
    })
  },
  { name: 'swagger' },
)
