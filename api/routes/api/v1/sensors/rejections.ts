import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Principal } from '../../../../access.ts'
import { canReach, READERS } from '../../../../access.ts'
import { notFound } from '../../../../http-errors.ts'
import { errorSchema, idSchema, pageQuerySchema, pageSchema } from '../../../../schemas/common.ts'

const rejectionSchema = z.object({
  receivedAt: z.iso.datetime(),
  topic: z.string(),
  reason: z
    .string()
    .describe('unknown-sensor (wrong facility in the topic), schema, unit, range, timestamp, …'),
  detail: z.string().describe('What was wrong, naming the field: value: expected a number, got "loud"'),
  payload: z.string().describe('The start of the payload, as received'),
})

/**
 * Who maintains or watches the sensor: its facility's contractors and officers, and admins. A regulator
 * reads results, not a device's wiring faults. Anyone else is told the sensor does not exist, as for an
 * unknown id, so the route does not reveal which ids are registered.
 */
function maySeeRejections(principal: Principal, facilityId: string): boolean {
  if (principal.role === 'admin') return true
  return (principal.role === 'contractor' || principal.role === 'officer') && canReach(principal, facilityId)
}

const sensorRejectionRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/:sensorId/rejections',
    {
      config: { roles: READERS },
      schema: {
        tags: ['sensors'],
        summary: "A sensor's recent refused messages, newest first, with the reason (the last 100 are kept)",
        params: z.object({ sensorId: idSchema }),
        querystring: pageQuerySchema,
        response: { 200: pageSchema(rejectionSchema), 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { sensorId } = request.params
      const sensor = await fastify.registry.getSensor(sensorId)
      if (sensor === undefined || !maySeeRejections(request.principal, sensor.facilityId)) {
        throw notFound(`no sensor ${sensorId}`)
      }
      const page = await fastify.rejections.listRejections(sensorId, request.query)
      return {
        ...page,
        items: page.items.map(({ sensorId: _, receivedAt, ...rejection }) => ({
          ...rejection,
          receivedAt: new Date(receivedAt).toISOString(),
        })),
      }
    },
  )
}

export default sensorRejectionRoutes
