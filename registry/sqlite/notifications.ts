import type { DatabaseSync } from 'node:sqlite'
import type { AlertEvent } from '../../core/alert-lifecycle.ts'
import type {
  Channel,
  EscalationPolicy,
  PlannedNotification,
  WebhookSecrets,
} from '../../core/notifications.ts'
import { inTransaction } from '../../sqlite/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { type NotificationRow, notificationOf } from '../rows/notifications.ts'
import type { AckToken, NotificationAttempt, NotificationRepository } from '../types.ts'

/** An outbox row as SQLite returns it: the flag as 1/0, the body as JSON text. */
type StoredNotificationRow = Omit<NotificationRow, 'while_unacknowledged' | 'body'> & {
  while_unacknowledged: number
  body: string
}

function parsed(row: StoredNotificationRow): NotificationRow {
  return {
    ...row,
    while_unacknowledged: row.while_unacknowledged === 1,
    body: JSON.parse(row.body) as AlertEvent,
  }
}

/** Channels, escalation policies, the outbox and ack tokens (migration 015); see NotificationRepository. */
export function notificationRepository(db: DatabaseSync): NotificationRepository {
  const statements = {
    insertChannel: db.prepare(
      `INSERT INTO notification_channel (id, facility_id, kind, secret, headers, body, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateChannel: db.prepare(
      'UPDATE notification_channel SET body = ?, updated_at = ? WHERE id = ? AND facility_id = ?',
    ),
    updateSecrets: db.prepare(
      'UPDATE notification_channel SET secret = ?, headers = ? WHERE facility_id = ? AND id = ?',
    ),
    deleteChannel: db.prepare('DELETE FROM notification_channel WHERE id = ? AND facility_id = ?'),
    getChannel: db.prepare('SELECT body FROM notification_channel WHERE id = ? AND facility_id = ?'),
    listChannels: db.prepare('SELECT body FROM notification_channel WHERE facility_id = ? ORDER BY id'),
    secrets: db.prepare('SELECT secret, headers FROM notification_channel WHERE facility_id = ? AND id = ?'),
    getPolicy: db.prepare('SELECT body FROM escalation_policy WHERE facility_id = ?'),
    setPolicy: db.prepare(
      `INSERT INTO escalation_policy (facility_id, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (facility_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    ),
    deletePolicy: db.prepare('DELETE FROM escalation_policy WHERE facility_id = ?'),
    enqueue: db.prepare(
      `INSERT INTO notification (idempotency_key, alert_id, transition, facility_id, channel_id, contact, event,
         level, tier, round, while_unacknowledged, state, created_at, due_at, next_attempt_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    ),
    notified: db.prepare(
      "SELECT DISTINCT channel_id, contact FROM notification WHERE alert_id = ? AND state = 'sent' ORDER BY channel_id, contact",
    ),
    due: db.prepare(
      `SELECT * FROM notification WHERE state IN ('queued', 'retrying', 'sending') AND next_attempt_at <= ?
       ORDER BY next_attempt_at, id LIMIT ?`,
    ),
    claim: db.prepare("UPDATE notification SET state = 'sending', next_attempt_at = ? WHERE id = ?"),
    interrupted: db.prepare(
      `UPDATE notification SET attempts = attempts + 1,
         last_error = 'interrupted while sending: sent again with the same idempotency key' WHERE id = ?`,
    ),
    attempt: db.prepare(
      'INSERT INTO notification_attempt (notification_id, attempt, at, outcome, error) VALUES (?, ?, ?, ?, ?)',
    ),
    sent: db.prepare(
      "UPDATE notification SET state = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ? RETURNING attempts, body",
    ),
    failed: db.prepare(
      'UPDATE notification SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? RETURNING attempts',
    ),
    defer: db.prepare(
      "UPDATE notification SET state = 'queued', next_attempt_at = ?, last_error = ? WHERE id = ?",
    ),
    cancel: db.prepare("UPDATE notification SET state = 'cancelled', last_error = ? WHERE id = ?"),
    cancelSteps: db.prepare(
      `UPDATE notification SET state = 'cancelled', last_error = ?
       WHERE alert_id = ? AND while_unacknowledged = 1 AND state IN ('queued', 'retrying')`,
    ),
    ofAlert: db.prepare('SELECT * FROM notification WHERE alert_id = ? ORDER BY id'),
    attemptsOf: db.prepare(
      'SELECT attempt, at, outcome, error FROM notification_attempt WHERE notification_id = ? ORDER BY attempt',
    ),
    insertToken: db.prepare(
      `INSERT INTO ack_token (hash, notification_id, alert_id, contact, language, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    findToken: db.prepare('SELECT * FROM ack_token WHERE hash = ?'),
    useToken: db.prepare(
      'UPDATE ack_token SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ?',
    ),
    releaseToken: db.prepare('UPDATE ack_token SET used_at = NULL WHERE hash = ?'),
  }

  function insert(planned: Omit<PlannedNotification, 'alertEvent'>, body: string, at: number): boolean {
    const result = statements.enqueue.run(
      planned.idempotencyKey,
      planned.alertId,
      planned.transition,
      planned.facilityId,
      planned.channelId,
      planned.contact,
      planned.event,
      planned.level,
      planned.tier,
      planned.round,
      planned.whileUnacknowledged ? 1 : 0,
      at,
      planned.dueAt,
      planned.dueAt,
      body,
    )
    return result.changes === 1
  }

  function writeSecrets(channel: Channel, secrets: WebhookSecrets): void {
    statements.updateSecrets.run(
      secrets.secret,
      secrets.headers === undefined ? null : JSON.stringify(secrets.headers),
      channel.facilityId,
      channel.id,
    )
  }

  return {
    async createChannel(channel, secrets) {
      const now = Date.now()
      try {
        statements.insertChannel.run(
          channel.id,
          channel.facilityId,
          channel.kind,
          secrets?.secret ?? null,
          secrets?.headers === undefined ? null : JSON.stringify(secrets.headers),
          JSON.stringify(channel),
          now,
          now,
        )
      } catch (err) {
        if (/UNIQUE|PRIMARY KEY/.test((err as Error).message))
          throw new ConflictError(`notification channel ${channel.id} exists`)
        throw err
      }
      return channel
    },
    async updateChannel(channel, secrets) {
      inTransaction(db, () => {
        const result = statements.updateChannel.run(
          JSON.stringify(channel),
          Date.now(),
          channel.id,
          channel.facilityId,
        )
        if (result.changes === 0) throw new NotFoundError(`no notification channel ${channel.id}`)
        if (secrets !== undefined) writeSecrets(channel, secrets)
      })
      return channel
    },
    async deleteChannel(facilityId, channelId) {
      return statements.deleteChannel.run(channelId, facilityId).changes === 1
    },
    async getChannel(facilityId, channelId) {
      const row = statements.getChannel.get(channelId, facilityId) as { body: string } | undefined
      return row === undefined ? undefined : (JSON.parse(row.body) as Channel)
    },
    async listChannels(facilityId) {
      return (statements.listChannels.all(facilityId) as { body: string }[]).map(
        (row) => JSON.parse(row.body) as Channel,
      )
    },
    async webhookSecrets(facilityId, channelId) {
      const row = statements.secrets.get(facilityId, channelId) as
        | { secret: string | null; headers: string | null }
        | undefined
      if (row?.secret == null) return undefined
      return { secret: row.secret, ...(row.headers === null ? {} : { headers: JSON.parse(row.headers) }) }
    },

    async getEscalationPolicy(facilityId) {
      const row = statements.getPolicy.get(facilityId) as { body: string } | undefined
      return row === undefined ? undefined : (JSON.parse(row.body) as EscalationPolicy)
    },
    async setEscalationPolicy(policy) {
      statements.setPolicy.run(policy.facilityId, JSON.stringify(policy), Date.now())
    },
    async deleteEscalationPolicy(facilityId) {
      return statements.deletePolicy.run(facilityId).changes === 1
    },

    async enqueueNotifications(planned, at) {
      return inTransaction(
        db,
        () => {
          let added = 0
          for (const { alertEvent, ...row } of planned)
            if (insert(row, JSON.stringify(alertEvent), at)) added++
          return added
        },
        'IMMEDIATE',
      )
    },
    async notifiedContacts(alertId) {
      const told = new Map<string, string[]>()
      for (const row of statements.notified.all(alertId) as { channel_id: string; contact: string }[]) {
        told.set(row.channel_id, [...(told.get(row.channel_id) ?? []), row.contact])
      }
      return told
    },
    async claimDueNotifications(now, limit, leaseMs) {
      // IMMEDIATE: two dispatchers (two API instances on one registry) never claim the same row.
      return inTransaction(
        db,
        () => {
          const rows = statements.due.all(now, limit) as unknown as StoredNotificationRow[]
          for (const row of rows) {
            if (row.state === 'sending') {
              statements.interrupted.run(row.id)
              statements.attempt.run(row.id, row.attempts + 1, now, 'interrupted', null)
              row.attempts++
            }
            statements.claim.run(now + leaseMs, row.id)
          }
          return rows.map((row) => ({ ...notificationOf(parsed(row)), state: 'sending' as const }))
        },
        'IMMEDIATE',
      )
    },
    async recordSent(id, at, next) {
      inTransaction(
        db,
        () => {
          const row = statements.sent.get(at, id) as { attempts: number; body: string }
          statements.attempt.run(id, row.attempts, at, 'sent', null)
          if (next !== undefined) insert(next, row.body, at)
        },
        'IMMEDIATE',
      )
    },
    async recordFailure(id, at, error, retryAt) {
      inTransaction(
        db,
        () => {
          const state = retryAt === undefined ? 'failed' : 'retrying'
          const row = statements.failed.get(state, retryAt ?? at, error, id) as { attempts: number }
          statements.attempt.run(id, row.attempts, at, 'failed', error)
        },
        'IMMEDIATE',
      )
    },
    async deferNotification(id, until, reason) {
      statements.defer.run(until, reason, id)
    },
    async cancelNotification(id, reason) {
      statements.cancel.run(reason, id)
    },
    async cancelPendingSteps(alertId, reason) {
      return Number(statements.cancelSteps.run(reason, alertId).changes)
    },
    async listNotifications(alertId) {
      return (statements.ofAlert.all(alertId) as unknown as StoredNotificationRow[]).map((row) => ({
        ...notificationOf(parsed(row)),
        attemptLog: (
          statements.attemptsOf.all(row.id) as unknown as (NotificationAttempt & { error: string | null })[]
        ).map(({ error, ...attempt }) => (error === null ? attempt : { ...attempt, error })),
      }))
    },

    async createAckToken(hash, token) {
      statements.insertToken.run(
        hash,
        token.notificationId,
        token.alertId,
        token.contact,
        token.language,
        token.createdAt,
        token.expiresAt,
      )
    },
    async findAckToken(hash) {
      const row = statements.findToken.get(hash) as
        | {
            notification_id: number
            alert_id: string
            contact: string
            language: AckToken['language']
            expires_at: number
            used_at: number | null
          }
        | undefined
      if (row === undefined) return undefined
      return {
        notificationId: row.notification_id,
        alertId: row.alert_id,
        contact: row.contact,
        language: row.language,
        expiresAt: row.expires_at,
        ...(row.used_at === null ? {} : { usedAt: row.used_at }),
      }
    },
    async useAckToken(hash, at) {
      return statements.useToken.run(at, hash, at).changes === 1
    },
    async releaseAckToken(hash) {
      statements.releaseToken.run(hash)
    },
  }
}
