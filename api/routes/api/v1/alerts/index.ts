import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ALERT_STATES, type Alert } from '../../../../../core/alerts.ts'
import { alertSchema, idSchema, pageQuerySchema, pageSchema } from '../common-schemas.ts'

function iso(time: number | undefined): string | undefined {
  return time === undefined ? undefined : new Date(time).toISOString()
}

export function alertResponse(alert: Alert) {
  return {
    ...alert,
    openedAt: new Date(alert.openedAt).toISOString(),
    updatedAt: new Date(alert.updatedAt).toISOString(),
    clearedAt: iso(alert.clearedAt),
    acknowledgedAt: iso(alert.acknowledgedAt),
  }
}

const alertRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first: active ones (open or acknowledged) or all recent',
        querystring: pageQuerySchema.extend({
          facility: idSchema.optional(),
          state: z
            .enum(['active', ...ALERT_STATES])
            .optional()
            .describe('active = open or acknowledged; omitted = every state'),
        }),
        response: { 200: pageSchema(alertSchema) },
      },
    },
    async (request) => {
      const { facility, state, ...page } = request.query
      const result = await fastify.alerts.list({ ...page, facilityId: facility, state })
      return { ...result, items: result.items.map(alertResponse) }
    },
  )
}

export default alertRoutes
