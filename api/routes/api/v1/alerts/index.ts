import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Alert } from '../../../../../core/alerts.ts'
import { liveTopic } from '../../../../../core/topics.ts'
import type { Role } from '../../../../../registry/types.ts'
import { assertReachable, type Principal, READERS, reachableFacility, scopeOf } from '../../../../access.ts'
import { everyPage, sendCsv, wantsCsv } from '../../../../csv-export.ts'
import { alertResponse, alertSchema } from '../../../../schemas/alert.ts'
import { errorSchema, pageSchema } from '../../../../schemas/common.ts'
import {
  ALERT_CSV_COLUMNS,
  acknowledgeBodySchema,
  alertCsvRow,
  alertParams,
  alertQuerySchema,
  resolveBodySchema,
} from './schema.ts'

/** Who may acknowledge and resolve: the people acting on a facility, not the regulator reading across them. */
const RESPONDERS: readonly Role[] = ['admin', 'officer', 'contractor']

const alertRoutes: FastifyPluginAsyncZod = async (fastify) => {
  /** The alert, if the key reaches its facility; a scoped key hears the same of another's as of none. */
  async function reachableAlert(principal: Principal, alertId: string): Promise<Alert> {
    const alert = await fastify.alerts.get(alertId)
    assertReachable(principal, alert?.facilityId, `alert ${alertId}`)
    return alert!
  }

  /** Every API instance relays it to its sockets, as it does ingest's alerts. */
  function announce(alert: Alert): void {
    fastify.broker
      .publish(liveTopic(alert.facilityId, 'alerts'), JSON.stringify(alert))
      .catch((err) =>
        fastify.log.warn({ err, alertId: alert.id }, 'could not send an alert change to the live feed'),
      )
  }

  fastify.get(
    '/',
    {
      config: { roles: READERS },
      schema: {
        tags: ['alerts'],
        summary:
          'Search alerts, newest or worst first; `format=csv` (or Accept: text/csv) exports every match',
        description:
          'Filters combine: facility, sensor, factor, kind, level, state, reason (of a resolution) and a time ' +
          'range (`from`, `to`: alerts active at some time in it). Unknown parameters are refused.',
        querystring: alertQuerySchema,
        response: {
          200: pageSchema(alertSchema).or(z.string().describe('text/csv')),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { facility, sensor, format, limit, offset, ...filters } = request.query
      if (facility !== undefined) await reachableFacility(fastify.registry, request.principal, facility)
      const query = {
        ...filters,
        facilityId: facility,
        sensorId: sensor,
        facilityIds: scopeOf(request.principal),
      }
      if (wantsCsv(request, format)) {
        const alerts = await everyPage((page) => fastify.alerts.list({ ...query, ...page }))
        return sendCsv(reply, `alerts-${facility ?? 'all'}`, ALERT_CSV_COLUMNS, alerts.map(alertCsvRow))
      }
      const result = await fastify.alerts.list({ ...query, limit, offset })
      return { ...result, items: result.items.map(alertResponse) }
    },
  )

  fastify.get(
    '/:alertId',
    {
      config: { roles: READERS },
      schema: {
        tags: ['alerts'],
        summary: 'One alert, with everyone who acknowledged it and its resolution',
        params: alertParams,
        response: { 200: alertSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => alertResponse(await reachableAlert(request.principal, request.params.alertId)),
  )

  fastify.post(
    '/:alertId/acknowledge',
    {
      config: { roles: RESPONDERS, audit: 'alert.acknowledge' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert at its current level, as the API key’s owner, with an optional note',
        description:
          'Who acknowledges is the key (its name and id). An acknowledged alert that escalates stays ' +
          'acknowledged, tells those who acknowledged it (`notice` on the live feed), and its new level can ' +
          'be acknowledged in turn. 409 for a cleared or resolved alert, or a level already acknowledged.',
        params: alertParams,
        body: acknowledgeBodySchema
          .nullish()
          .describe('optional: a POST without a body acknowledges without a note'),
        response: {
          200: alertSchema,
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request) => {
      const { alertId } = request.params
      await reachableAlert(request.principal, alertId)
      const { alert } = await fastify.alerts.acknowledgeAlert(alertId, {
        actor: request.actingAs(),
        at: Date.now(),
        note: request.body?.note,
      })
      announce(alert)
      return alertResponse(alert)
    },
  )

  fastify.post(
    '/:alertId/resolve',
    {
      config: { roles: RESPONDERS, audit: 'alert.resolve' },
      schema: {
        tags: ['alerts'],
        summary: 'Close an alert with a reason and a note, as the API key’s owner',
        description:
          'Open, acknowledged or cleared alerts can be resolved (a cleared one, to record why it happened). ' +
          'A resolved alert that escalates opens again. 409 when it is resolved already.',
        params: alertParams,
        body: resolveBodySchema,
        response: {
          200: alertSchema,
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request) => {
      const { alertId } = request.params
      await reachableAlert(request.principal, alertId)
      const { alert } = await fastify.alerts.resolveAlert(alertId, {
        actor: request.actingAs(),
        at: Date.now(),
        reason: request.body.reason,
        note: request.body.note,
      })
      announce(alert)
      return alertResponse(alert)
    },
  )
}

export default alertRoutes
