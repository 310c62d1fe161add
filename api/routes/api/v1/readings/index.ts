import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { FACTORS } from '../../../../../core/factors.ts'
import { idSchema, readingSchema } from '../common-schemas.ts'

const readingRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/latest',
    {
      schema: {
        tags: ['readings'],
        summary: 'The newest reading of every sensor and factor, optionally of one facility or sensor',
        querystring: z.object({ facility: idSchema.optional(), sensor: idSchema.optional() }),
        response: { 200: z.object({ items: z.array(readingSchema) }) },
      },
    },
    async (request) => {
      const readings = await fastify.store.latestReadings({
        facilityId: request.query.facility,
        sensorId: request.query.sensor,
      })
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
