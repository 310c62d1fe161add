import { z } from 'zod'
import { ALERT_LEVELS } from '../../core/alerts.ts'
import { NOTIFICATION_EVENTS, NOTIFICATION_STATES } from '../../core/notifications.ts'

/** A notification of an alert, with its attempts, as the API answers it. */
export const notificationSchema = z.object({
  id: z.number().int(),
  channelId: z.string(),
  contact: z.string(),
  event: z.enum(NOTIFICATION_EVENTS),
  level: z.enum(ALERT_LEVELS),
  tier: z.number().int(),
  round: z.number().int(),
  state: z.enum(NOTIFICATION_STATES),
  attempts: z.number().int(),
  idempotencyKey: z.string(),
  createdAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
  nextAttemptAt: z.iso.datetime().optional().describe('queued or retrying: when it is tried next'),
  sentAt: z.iso.datetime().optional(),
  lastError: z.string().optional(),
  attemptLog: z.array(
    z.object({
      attempt: z.number().int(),
      at: z.iso.datetime(),
      outcome: z.enum(['sent', 'failed', 'interrupted']),
      error: z.string().optional(),
    }),
  ),
})
