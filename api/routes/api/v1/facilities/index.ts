import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { notFound } from '../../../../http-errors.ts'
import {
  errorSchema,
  facilitySchema,
  idSchema,
  pageQuerySchema,
  pageSchema,
  sensorSchema,
} from '../common-schemas.ts'

const facilityRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      schema: {
        tags: ['facilities'],
        summary: 'List monitored facilities',
        querystring: pageQuerySchema,
        response: { 200: pageSchema(facilitySchema) },
      },
    },
    async (request) => fastify.registry.listFacilities(request.query),
  )

  fastify.get(
    '/:facilityId',
    {
      schema: {
        tags: ['facilities'],
        summary: 'One facility',
        params: z.object({ facilityId: idSchema }),
        response: { 200: facilitySchema, 404: errorSchema },
      },
    },
    async (request) => {
      const facility = await fastify.registry.getFacility(request.params.facilityId)
      if (facility === undefined) throw notFound(`no facility ${request.params.facilityId}`)
      return facility
    },
  )

  fastify.get(
    '/:facilityId/sensors',
    {
      schema: {
        tags: ['facilities', 'sensors'],
        summary: "A facility's sensors",
        params: z.object({ facilityId: idSchema }),
        querystring: pageQuerySchema,
        response: { 200: pageSchema(sensorSchema), 404: errorSchema },
      },
    },
    async (request) => {
      const { facilityId } = request.params
      if ((await fastify.registry.getFacility(facilityId)) === undefined) {
        throw notFound(`no facility ${facilityId}`)
      }
      return fastify.registry.listSensors({ ...request.query, facilityId })
    },
  )
}

export default facilityRoutes
