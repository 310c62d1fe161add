import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { assertReachable, READERS } from '../../../../access.ts'
import { errorSchema, isoTime } from '../../../../schemas/common.ts'
import { notificationSchema } from '../../../../schemas/notification.ts'
import { alertParams } from './schema.ts'

/** The delivery history of one alert: every message planned, its state, and each attempt with its reason. */
const alertNotificationRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/:alertId/notifications',
    {
      config: { roles: READERS },
      schema: {
        tags: ['notifications'],
        summary: 'Who was notified of the alert, how and when: each message and each attempt',
        description:
          'States: queued, sending, sent, retrying (with the last error and when it is tried next), failed ' +
          '(given up after QUANTRAC_NOTIFY_MAX_ATTEMPTS), cancelled (acknowledged before an escalation step).',
        params: alertParams,
        response: {
          200: z.object({ items: z.array(notificationSchema) }),
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const { alertId } = request.params
      const alert = await fastify.alerts.get(alertId)
      assertReachable(request.principal, alert?.facilityId, `alert ${alertId}`)
      const rows = await fastify.notifications.listNotifications(alertId)
      return {
        items: rows.map((row) => ({
          id: row.id,
          channelId: row.channelId,
          contact: row.contact,
          event: row.event,
          level: row.level,
          tier: row.tier,
          round: row.round,
          state: row.state,
          attempts: row.attempts,
          idempotencyKey: row.idempotencyKey,
          createdAt: isoTime(row.createdAt)!,
          dueAt: isoTime(row.dueAt)!,
          nextAttemptAt:
            row.state === 'queued' || row.state === 'retrying' ? isoTime(row.nextAttemptAt) : undefined,
          sentAt: isoTime(row.sentAt),
          lastError: row.lastError,
          attemptLog: row.attemptLog.map((attempt) => ({ ...attempt, at: isoTime(attempt.at)! })),
        })),
      }
    },
  )
}

export default alertNotificationRoutes
