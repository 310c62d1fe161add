import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { FACTORS } from '../../../../../core/factors.ts'
import { READERS } from '../../../../access.ts'
import { latestQuerySchema, scopedLatestQuery } from '../../../../latest-query.ts'
import { errorSchema, readingSchema } from '../../../../schemas/common.ts'

const readingRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/latest',
    {
      config: { roles: READERS },
      schema: {
        tags: ['readings'],
        summary: 'The newest reading of every sensor and factor, optionally of one facility or sensor',
        querystring: latestQuerySchema,
        response: { 200: z.object({ items: z.array(readingSchema) }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const readings = await fastify.store.latestReadings(
        await scopedLatestQuery(fastify, request.principal, request.query),
      )
      return {
        items: readings.map((r) => ({
          ...r,
          unit: FACTORS[r.factor].unit,
          time: new Date(r.time).toISOString(),
        })),
      }
    },
  )
}

export default readingRoutes
