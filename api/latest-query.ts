import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { LatestQuery } from '../store/types.ts'
import { assertReachable, type Principal, reachableFacility, scopeOf } from './access.ts'
import { idSchema } from './schemas/common.ts'

export const latestQuerySchema = z.strictObject({
  facility: idSchema.optional(),
  sensor: idSchema.optional(),
})

/**
 * A "latest" query limited to what the caller's key reaches: a facility or sensor it cannot reach, or that
 * does not exist, is refused (see assertReachable).
 */
export async function scopedLatestQuery(
  fastify: FastifyInstance,
  principal: Principal,
  query: z.infer<typeof latestQuerySchema>,
): Promise<LatestQuery> {
  if (query.facility !== undefined) await reachableFacility(fastify.registry, principal, query.facility)
  if (query.sensor !== undefined) {
    const sensor = await fastify.registry.getSensor(query.sensor)
    assertReachable(principal, sensor?.facilityId, `sensor ${query.sensor}`)
  }
  return { facilityId: query.facility, sensorId: query.sensor, facilityIds: scopeOf(principal) }
}
