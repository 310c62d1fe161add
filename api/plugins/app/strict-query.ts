import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { z } from 'zod'

/** The querystring of a route that takes no parameters. */
const NO_QUERY = z.strictObject({})

function isStrict(schema: unknown): boolean {
  return schema instanceof z.ZodObject && schema._zod.def.catchall instanceof z.ZodNever
}

/**
 * Unknown query parameters are refused with a 400 naming them, never ignored: a misspelt filter
 * (`/api/v1/alerts?facilty=fac-002`) used to return every facility's alerts. Every route under /api/ gets a
 * strict querystring — an empty one when it declares none; declaring a loose one fails at start-up.
 */
export default fp(
  async function strictQuery(fastify: FastifyInstance) {
    fastify.addHook('onRoute', function requireStrictQuery(route) {
      if (!route.url.toLowerCase().startsWith('/api/')) return
      route.schema ??= {}
      if (route.schema.querystring === undefined) route.schema.querystring = NO_QUERY
      else if (!isStrict(route.schema.querystring)) {
        throw new Error(`route ${route.method} ${route.url}: its querystring must be a z.strictObject`)
      }
    })
  },
  { name: 'strict-query' },
)
