import type pg from 'pg'
import type { AlertEvent } from '../../core/alert-lifecycle.ts'
import type {
  Channel,
  EscalationPolicy,
  PlannedNotification,
  WebhookSecrets,
} from '../../core/notifications.ts'
import { NotFoundError } from '../errors.ts'
import { type NotificationRow, notificationOf } from '../rows/notifications.ts'
import type { AckToken, NotificationAttempt, NotificationRepository } from '../types.ts'
import { inTransaction, type Queryable, registryError } from './database.ts'

/** Writes a planned notification unless its idempotency key is there; true when it was new. */
async function insert(
  db: Queryable,
  planned: Omit<PlannedNotification, 'alertEvent'>,
  body: string,
  at: number,
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO notification (idempotency_key, alert_id, transition, facility_id, channel_id, contact, event,
       level, tier, round, while_unacknowledged, state, created_at, due_at, next_attempt_at, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $13, $13, $14::jsonb)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [
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
      planned.whileUnacknowledged,
      at,
      planned.dueAt,
      body,
    ],
  )
  return result.rowCount === 1
}

async function recordAttempt(db: Queryable, id: number, attempt: NotificationAttempt): Promise<void> {
  await db.query(
    'INSERT INTO notification_attempt (notification_id, attempt, at, outcome, error) VALUES ($1, $2, $3, $4, $5)',
    [id, attempt.attempt, attempt.at, attempt.outcome, attempt.error ?? null],
  )
}

/** Channels, escalation policies, the outbox and ack tokens; see NotificationRepository. */
export function notificationRepository(pool: pg.Pool): NotificationRepository {
  async function writeSecrets(db: Queryable, channel: Channel, secrets: WebhookSecrets): Promise<void> {
    await db.query(
      'UPDATE notification_channel SET secret = $1, headers = $2::jsonb WHERE facility_id = $3 AND id = $4',
      [
        secrets.secret,
        secrets.headers === undefined ? null : JSON.stringify(secrets.headers),
        channel.facilityId,
        channel.id,
      ],
    )
  }

  return {
    async createChannel(channel, secrets) {
      const now = Date.now()
      try {
        await pool.query(
          `INSERT INTO notification_channel (id, facility_id, kind, secret, headers, body, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $7)`,
          [
            channel.id,
            channel.facilityId,
            channel.kind,
            secrets?.secret ?? null,
            secrets?.headers === undefined ? null : JSON.stringify(secrets.headers),
            JSON.stringify(channel),
            now,
          ],
        )
      } catch (err) {
        throw registryError(err, { conflict: `notification channel ${channel.id} exists` })
      }
      return channel
    },
    async updateChannel(channel, secrets) {
      await inTransaction(pool, async (client) => {
        const result = await client.query(
          'UPDATE notification_channel SET body = $1::jsonb, updated_at = $2 WHERE id = $3 AND facility_id = $4',
          [JSON.stringify(channel), Date.now(), channel.id, channel.facilityId],
        )
        if (result.rowCount === 0) throw new NotFoundError(`no notification channel ${channel.id}`)
        if (secrets !== undefined) await writeSecrets(client, channel, secrets)
      })
      return channel
    },
    async deleteChannel(facilityId, channelId) {
      const result = await pool.query('DELETE FROM notification_channel WHERE id = $1 AND facility_id = $2', [
        channelId,
        facilityId,
      ])
      return result.rowCount === 1
    },
    async getChannel(facilityId, channelId) {
      const { rows } = await pool.query<{ body: Channel }>(
        'SELECT body FROM notification_channel WHERE id = $1 AND facility_id = $2',
        [channelId, facilityId],
      )
      return rows[0]?.body
    },
    async listChannels(facilityId) {
      const { rows } = await pool.query<{ body: Channel }>(
        'SELECT body FROM notification_channel WHERE facility_id = $1 ORDER BY id',
        [facilityId],
      )
      return rows.map((row) => row.body)
    },
    async webhookSecrets(facilityId, channelId) {
      const { rows } = await pool.query<{ secret: string | null; headers: Record<string, string> | null }>(
        'SELECT secret, headers FROM notification_channel WHERE facility_id = $1 AND id = $2',
        [facilityId, channelId],
      )
      const row = rows[0]
      if (row?.secret == null) return undefined
      return { secret: row.secret, ...(row.headers === null ? {} : { headers: row.headers }) }
    },

    async getEscalationPolicy(facilityId) {
      const { rows } = await pool.query<{ body: EscalationPolicy }>(
        'SELECT body FROM escalation_policy WHERE facility_id = $1',
        [facilityId],
      )
      return rows[0]?.body
    },
    async setEscalationPolicy(policy) {
      await pool.query(
        `INSERT INTO escalation_policy (facility_id, body, updated_at) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT (facility_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
        [policy.facilityId, JSON.stringify(policy), Date.now()],
      )
    },
    async deleteEscalationPolicy(facilityId) {
      const result = await pool.query('DELETE FROM escalation_policy WHERE facility_id = $1', [facilityId])
      return result.rowCount === 1
    },

    enqueueNotifications(planned, at) {
      return inTransaction(pool, async (client) => {
        let added = 0
        for (const { alertEvent, ...row } of planned)
          if (await insert(client, row, JSON.stringify(alertEvent), at)) added++
        return added
      })
    },
    async notifiedContacts(alertId) {
      const { rows } = await pool.query<{ channel_id: string; contact: string }>(
        `SELECT DISTINCT channel_id, contact FROM notification WHERE alert_id = $1 AND state = 'sent'
         ORDER BY channel_id, contact`,
        [alertId],
      )
      const told = new Map<string, string[]>()
      for (const row of rows) told.set(row.channel_id, [...(told.get(row.channel_id) ?? []), row.contact])
      return told
    },
    claimDueNotifications(now, limit, leaseMs) {
      // SKIP LOCKED: two dispatchers (two API instances) each take other rows, neither waits for the other.
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<NotificationRow>(
          `SELECT * FROM notification WHERE state IN ('queued', 'retrying', 'sending') AND next_attempt_at <= $1
           ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now, limit],
        )
        for (const row of rows) {
          if (row.state === 'sending') {
            await client.query(
              `UPDATE notification SET attempts = attempts + 1,
                 last_error = 'interrupted while sending: sent again with the same idempotency key' WHERE id = $1`,
              [row.id],
            )
            await recordAttempt(client, row.id, {
              attempt: row.attempts + 1,
              at: now,
              outcome: 'interrupted',
            })
            row.attempts++
          }
          await client.query(
            "UPDATE notification SET state = 'sending', next_attempt_at = $1 WHERE id = $2",
            [now + leaseMs, row.id],
          )
        }
        return rows.map((row) => ({ ...notificationOf(row), state: 'sending' as const }))
      })
    },
    async recordSent(id, at, next) {
      await inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ attempts: number; body: AlertEvent }>(
          `UPDATE notification SET state = 'sent', attempts = attempts + 1, sent_at = $1, last_error = NULL
           WHERE id = $2 RETURNING attempts, body`,
          [at, id],
        )
        const row = rows[0]!
        await recordAttempt(client, id, { attempt: row.attempts, at, outcome: 'sent' })
        if (next !== undefined) await insert(client, next, JSON.stringify(row.body), at)
      })
    },
    async recordFailure(id, at, error, retryAt) {
      await inTransaction(pool, async (client) => {
        const state = retryAt === undefined ? 'failed' : 'retrying'
        const { rows } = await client.query<{ attempts: number }>(
          `UPDATE notification SET state = $1, attempts = attempts + 1, next_attempt_at = $2, last_error = $3
           WHERE id = $4 RETURNING attempts`,
          [state, retryAt ?? at, error, id],
        )
        await recordAttempt(client, id, { attempt: rows[0]!.attempts, at, outcome: 'failed', error })
      })
    },
    async deferNotification(id, until, reason) {
      await pool.query(
        "UPDATE notification SET state = 'queued', next_attempt_at = $1, last_error = $2 WHERE id = $3",
        [until, reason, id],
      )
    },
    async cancelNotification(id, reason) {
      await pool.query("UPDATE notification SET state = 'cancelled', last_error = $1 WHERE id = $2", [
        reason,
        id,
      ])
    },
    async cancelPendingSteps(alertId, reason) {
      const result = await pool.query(
        `UPDATE notification SET state = 'cancelled', last_error = $1
         WHERE alert_id = $2 AND while_unacknowledged AND state IN ('queued', 'retrying')`,
        [reason, alertId],
      )
      return result.rowCount ?? 0
    },
    async listNotifications(alertId) {
      const { rows } = await pool.query<
        NotificationRow & { attempt_log: (NotificationAttempt & { error: string | null })[] }
      >(
        `SELECT notification.*, coalesce((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'at', a.at,
           'outcome', a.outcome, 'error', a.error) ORDER BY a.attempt)
           FROM notification_attempt a WHERE a.notification_id = notification.id), '[]') AS attempt_log
         FROM notification WHERE alert_id = $1 ORDER BY id`,
        [alertId],
      )
      return rows.map((row) => ({
        ...notificationOf(row),
        attemptLog: row.attempt_log.map(({ error, ...attempt }) =>
          error === null ? attempt : { ...attempt, error },
        ),
      }))
    },

    async createAckToken(hash, token) {
      await pool.query(
        `INSERT INTO ack_token (hash, notification_id, alert_id, contact, language, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          hash,
          token.notificationId,
          token.alertId,
          token.contact,
          token.language,
          token.createdAt,
          token.expiresAt,
        ],
      )
    },
    async findAckToken(hash) {
      const { rows } = await pool.query<{
        notification_id: number
        alert_id: string
        contact: string
        language: AckToken['language']
        expires_at: number
        used_at: number | null
      }>('SELECT * FROM ack_token WHERE hash = $1', [hash])
      const row = rows[0]
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
      const result = await pool.query(
        'UPDATE ack_token SET used_at = $1 WHERE hash = $2 AND used_at IS NULL AND expires_at > $1',
        [at, hash],
      )
      return result.rowCount === 1
    },
    async releaseAckToken(hash) {
      await pool.query('UPDATE ack_token SET used_at = NULL WHERE hash = $1', [hash])
    },
  }
}
