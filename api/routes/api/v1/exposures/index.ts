import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { ExposurePoint } from '../../../../../core/contract.ts'
import { plannedShiftHours, type ShiftWindow, shiftEndAt } from '../../../../../core/shifts.ts'
import type { Registry } from '../../../../../registry/types.ts'
import { READERS } from '../../../../access.ts'
import { latestQuerySchema, scopedLatestQuery } from '../../../../latest-query.ts'
import { errorSchema } from '../../../../schemas/common.ts'
import { exposureResponse, exposureSchema } from '../../../../schemas/exposure.ts'

/**
 * The shift each stored point was judged on, as ingest recorded it when it opened the shift. A point whose
 * shift was not recorded (stored before shifts were, or an instant before ingest saved it) gets the shift
 * the facility's pattern gives now from the point's shift start.
 */
async function shiftsOf(registry: Registry, points: readonly ExposurePoint[]) {
  const key = (facilityId: string, start: number) => `${facilityId}\u0000${start}`
  const keys = new Map(
    points.map((p) => [key(p.facilityId, p.shiftStart), { facilityId: p.facilityId, start: p.shiftStart }]),
  )
  const shifts = new Map<string, ShiftWindow>()
  for (const shift of await registry.findShifts([...keys.values()]))
    shifts.set(key(shift.facilityId, shift.start), shift)
  for (const [k, { facilityId, start }] of keys) {
    if (shifts.has(k)) continue
    const facility = await registry.getFacility(facilityId)
    if (facility === undefined) continue
    const end = shiftEndAt(start, facility.shifts)
    shifts.set(k, {
      start,
      end,
      hours: plannedShiftHours(end - start),
      utcOffsetMinutes: facility.shifts.utcOffsetMinutes,
    })
  }
  return (point: ExposurePoint) => shifts.get(key(point.facilityId, point.shiftStart))
}

const exposureRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/latest',
    {
      config: { roles: READERS },
      schema: {
        tags: ['exposures'],
        summary: 'Current exposure of every sensor and factor (STEL, TWA so far and projected, noise dose)',
        description: 'Updated about once a minute; the live feed sends `exposure` events every few seconds.',
        querystring: latestQuerySchema,
        response: { 200: z.object({ items: z.array(exposureSchema) }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const points = await fastify.store.latestExposures(
        await scopedLatestQuery(fastify, request.principal, request.query),
      )
      const shiftOf = await shiftsOf(fastify.registry, points)
      return { items: points.map((point) => exposureResponse(point, shiftOf(point))) }
    },
  )
}

export default exposureRoutes
