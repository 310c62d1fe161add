import type { AlertEvent } from '../../core/alert-lifecycle.ts'
import type { StoredNotification } from '../types.ts'

/** A notification outbox row, its body parsed and its flag a boolean (SQLite converts its 1/0 and text first). */
export interface NotificationRow {
  id: number
  idempotency_key: string
  alert_id: string
  transition: string
  facility_id: string
  channel_id: string
  contact: string
  event: StoredNotification['event']
  level: StoredNotification['level']
  tier: number
  round: number
  while_unacknowledged: boolean
  state: StoredNotification['state']
  attempts: number
  created_at: number
  due_at: number
  next_attempt_at: number
  sent_at: number | null
  last_error: string | null
  body: AlertEvent
}

export function notificationOf(row: NotificationRow): StoredNotification {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    alertId: row.alert_id,
    transition: row.transition,
    facilityId: row.facility_id,
    channelId: row.channel_id,
    contact: row.contact,
    event: row.event,
    level: row.level,
    tier: row.tier,
    round: row.round,
    whileUnacknowledged: row.while_unacknowledged,
    state: row.state,
    attempts: row.attempts,
    createdAt: row.created_at,
    dueAt: row.due_at,
    nextAttemptAt: row.next_attempt_at,
    ...(row.sent_at === null ? {} : { sentAt: row.sent_at }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    alertEvent: row.body,
  }
}
