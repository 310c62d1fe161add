import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { LatestQuery } from '../../../../store/types.ts'
import { assertReach, type Principal, scopeOf } from '../../../access.ts'
import { notFound } from '../../../http-errors.ts'
import { idSchema } from './common-schemas.ts'

export const latestQuerySchema = z.object({ facility: idSchema.optional(), sensor: idSchema.optional() })

/** A "latest" query limited to what the caller's key reaches: 403 for another facility, 404 for no such sensor. */
export async function scopedLatestQuery(
  fastify: FastifyInstance,
  principal: Principal,
  query: z.infer<typeof latestQuerySchema>,
): Promise<LatestQuery> {
  if (query.facility !== undefined) assertReach(principal, query.facility)
  if (query.sensor !== undefined) {
    const sensor = await fastify.registry.getSensor(query.sensor)
    if (sensor === undefined) throw notFound(`no sensor ${query.sensor}`)
    assertReach(principal, sensor.facilityId)
  }
  return { facilityId: query.facility, sensorId: query.sensor, facilityIds: scopeOf(principal) }
}
