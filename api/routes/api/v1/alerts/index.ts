import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ALERT_STATES, type Alert } from '../../../../../core/alerts.ts'
import { assertReachable, READERS, reachableFacility, scopeOf } from '../../../../access.ts'
import { HttpError } from '../../../../http-errors.ts'
import { facilityRoom } from '../../../../plugins/app/live-relay.ts'
import { alertSchema, errorSchema, idSchema, pageQuerySchema, pageSchema } from '../common-schemas.ts'

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

/** Who may acknowledge: the people acting on a facility, not the regulator reading across them. */
const ACKNOWLEDGERS = ['admin', 'officer', 'contractor'] as const

const alertRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      config: { roles: READERS },
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
        response: { 200: pageSchema(alertSchema), 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { facility, state, ...page } = request.query
      if (facility !== undefined) await reachableFacility(fastify.registry, request.principal, facility)
      const result = await fastify.alerts.list({
        ...page,
        facilityId: facility,
        facilityIds: scopeOf(request.principal),
        state,
      })
      return { ...result, items: result.items.map(alertResponse) }
    },
  )

  fastify.post(
    '/:alertId/acknowledge',
    {
      config: { roles: ACKNOWLEDGERS },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an open alert: who saw it, and an optional note. The live feed hears of it.',
        params: z.object({ alertId: z.uuid() }),
        body: z.object({
          by: z
            .string()
            .trim()
            .min(1)
            .max(100)
            .optional()
            .describe("Who acknowledges; default: the key's name"),
          note: z.string().trim().max(1000).optional().describe('What was done about it'),
        }),
        response: { 200: alertSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const { alertId } = request.params
      const existing = await fastify.alerts.get(alertId)
      assertReachable(request.principal, existing?.facilityId, `alert ${alertId}`)
      const by = request.body.by ?? request.principal.name
      const acknowledged = await fastify.alerts.acknowledge(alertId, {
        by,
        note: request.body.note,
        at: Date.now(),
      })
      const alert = (await fastify.alerts.get(alertId))!
      if (!acknowledged)
        throw new HttpError(409, `alert ${alertId} is ${alert.state}: only an open alert can be acknowledged`)
      const response = alertResponse(alert)
      fastify.io.to(facilityRoom(alert.facilityId)).emit('alert', response)
      return response
    },
  )
}

export default alertRoutes
