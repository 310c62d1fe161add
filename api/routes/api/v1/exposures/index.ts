import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { ExposurePoint } from '../../../../../core/contract.ts'
import { FACTOR_IDS, FACTORS } from '../../../../../core/factors.ts'
import { READERS } from '../../../../access.ts'
import { errorSchema } from '../common-schemas.ts'
import { latestQuerySchema, scopedLatestQuery } from '../latest-query.ts'

export const exposureSchema = z.object({
  facilityId: z.string(),
  sensorId: z.string(),
  factor: z.enum(FACTOR_IDS),
  unit: z.string().describe('Unit of stel, twa and twaProjected; dose is in %'),
  time: z.iso.datetime(),
  shiftStart: z.iso.datetime(),
  coverage: z.number().describe('Share of the shift so far covered by readings, 0–1'),
  stel: z.number().optional().describe('Mean of the last 15 minutes'),
  twa: z.number().optional().describe('8-h time-weighted average so far'),
  twaProjected: z.number().optional().describe('TWA at the end of the shift if exposure goes on as measured'),
  dose: z.number().optional().describe('Noise dose so far, %'),
  doseProjected: z.number().optional().describe('Noise dose at the end of the shift, %'),
  lex8h: z.number().optional().describe('Daily noise exposure level LEX,8h, dBA'),
  hourMean: z.number().optional().describe('Mean of the last hour (WBGT, for heat stress), in the unit'),
})

export function exposureResponse(point: ExposurePoint) {
  return {
    ...point,
    unit: FACTORS[point.factor].unit,
    time: new Date(point.time).toISOString(),
    shiftStart: new Date(point.shiftStart).toISOString(),
  }
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
      return { items: points.map(exposureResponse) }
    },
  )
}

export default exposureRoutes
