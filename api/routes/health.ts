import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'

const healthRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the API runs; says which store it reads and whether the live feed is connected',
        response: {
          200: z.object({
            status: z.literal('ok'),
            store: z.enum(['influxdb', 'sqlite']),
            liveFeed: z.boolean(),
          }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      store: fastify.store.kind,
      liveFeed: fastify.liveRelayConnected(),
    }),
  )
}

export default healthRoutes
