import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { alertJson } from '../core/alerts.ts'
import {
  type Channel,
  type EscalationPolicy,
  fillTemplate,
  isUnacknowledged,
  planNotifications,
  releaseTime,
  repeatOf,
  retryDelay,
  stillWarranted,
} from '../core/notifications.ts'
import { digest } from '../registry/credentials.ts'
import type {
  AlertRepository,
  NotificationRepository,
  Registry,
  StateRepository,
  StoredNotification,
} from '../registry/types.ts'
import type { NotifySettings } from './config.ts'
import { emailSender } from './email.ts'
import { renderMessage } from './messages.ts'
import { postWebhook } from './webhook.ts'

/** Where the notifier has got to in the alert event log (its own position, as the store copy has its own). */
export const NOTIFY_CURSOR_KEY = 'alert-event-log/notify'
const PLAN_BATCH = 200
/** How long a claimed row is held while it is sent: longer than the senders' own timeouts. */
const SENDING_LEASE_MS = 120_000

export interface NotifierOptions {
  alerts: AlertRepository
  registry: Pick<Registry, 'getFacility' | 'getSensor'>
  notifications: NotificationRepository
  state: StateRepository
  settings: NotifySettings
  /** The API's address, for links when QUANTRAC_PUBLIC_URL is not set. */
  publicUrl: string
  log: Logger
  /** The clock, injectable for tests of time rules. */
  now?: () => number
}

/**
 * Notifications, apart from ingest and the live feed: on its own timer, in bounded batches. Each round it
 * plans — reads the alert event log after its cursor and writes the outbox (idempotent by key, so a crash
 * between the write and the cursor only plans again what is there) — then dispatches what is due:
 * claimed in a transaction, sent, recorded as sent or failed with the reason, retried with backoff.
 *
 * Exactly once, as far as it can be: a row is marked `sending` before it goes and `sent` after, in
 * transactions. A crash in between (the message may or may not have left) is found when the claim runs
 * out and sent again with the same idempotency key (webhook header, e-mail Message-ID): at least once, and
 * a receiver that drops repeats by key sees it once. Nothing is given up while attempts remain.
 */
export async function startNotifier(options: NotifierOptions) {
  const { alerts, registry, notifications, state, settings, log } = options
  const now = options.now ?? Date.now
  const publicUrl = (settings.publicUrl ?? options.publicUrl).replace(/\/+$/, '')
  const email = emailSender(settings.smtpUrl, settings.smtpFrom)

  let cursor = await initialCursor()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let closed = false

  /** A fresh install starts at the end of the log: alerts from before notifications were set up send nothing. */
  async function initialCursor(): Promise<number> {
    const saved = (await state.loadStates(NOTIFY_CURSOR_KEY)).get(NOTIFY_CURSOR_KEY) as
      | { seq: number }
      | undefined
    if (saved !== undefined) return saved.seq
    let seq = 0
    for (;;) {
      const batch = await alerts.alertEventsAfter(seq, 1000)
      if (batch.length === 0) break
      seq = batch.at(-1)!.seq
    }
    await state.saveStates([[NOTIFY_CURSOR_KEY, { seq }]])
    return seq
  }

  async function plan(): Promise<void> {
    const batch = await alerts.alertEventsAfter(cursor, PLAN_BATCH)
    if (batch.length === 0) return
    const channels = new Map<string, Channel[]>()
    const policies = new Map<string, EscalationPolicy | undefined>()
    for (const logged of batch) {
      const { facilityId, id } = logged.event.alert
      if (!channels.has(facilityId)) {
        channels.set(facilityId, await notifications.listChannels(facilityId))
        policies.set(facilityId, await notifications.getEscalationPolicy(facilityId))
      }
      const { type } = logged.event
      if (type === 'acknowledged' || type === 'cleared' || type === 'resolved') {
        await notifications.cancelPendingSteps(id, `${type} before its turn`)
      }
      const facilityChannels = channels.get(facilityId)!
      if (facilityChannels.length === 0) continue
      const notified =
        logged.event.type === 'opened' || logged.event.type === 'escalated'
          ? new Map()
          : await notifications.notifiedContacts(id)
      const planned = planNotifications(logged, facilityChannels, policies.get(facilityId), notified)
      if (planned.length > 0) await notifications.enqueueNotifications(planned, now())
    }
    cursor = batch.at(-1)!.seq
    await state.saveStates([[NOTIFY_CURSOR_KEY, { seq: cursor }]])
  }

  /** An ack link: 256 random bits, of which only the SHA-256 is stored (as for API keys). */
  async function ackLink(row: StoredNotification, channel: Channel, at: number) {
    const token = randomBytes(32).toString('base64url')
    const expiresAt = at + settings.ackLinkTtlMs
    await notifications.createAckToken(digest(token), {
      notificationId: row.id,
      alertId: row.alertId,
      contact: row.contact,
      language: channel.language,
      createdAt: at,
      expiresAt,
    })
    return { ackUrl: `${publicUrl}/ack/${token}`, ackExpiresAt: expiresAt }
  }

  async function send(row: StoredNotification, channel: Channel, at: number): Promise<void> {
    const alert = (await alerts.get(row.alertId)) ?? row.alertEvent.alert
    const facility = await registry.getFacility(row.facilityId)
    const sensor = await registry.getSensor(alert.sensorId)
    const asks = (row.event === 'alert.opened' || row.event === 'alert.escalated') && isUnacknowledged(alert)
    const links = {
      alertUrl: `${publicUrl}/?alert=${encodeURIComponent(alert.id)}`,
      ...(asks ? await ackLink(row, channel, at) : {}),
    }
    const place = { facilityName: facility?.name ?? row.facilityId, zone: sensor?.zone || undefined }
    const message = renderMessage(row.event, { ...row.alertEvent, alert }, place, links, channel.language)
    if (channel.kind === 'email') {
      await email.send({ to: row.contact, ...message, idempotencyKey: row.idempotencyKey })
      return
    }
    const secrets = await notifications.webhookSecrets(channel.facilityId, channel.id)
    if (secrets === undefined) throw new Error('the webhook has no secret')
    const body =
      channel.bodyTemplate === undefined
        ? JSON.stringify({ event: row.event, alert: alertJson(alert), links })
        : fillTemplate(channel.bodyTemplate, {
            event: row.event,
            subject: message.subject,
            text: message.text,
            alertUrl: links.alertUrl,
            ackUrl: links.ackUrl,
            'alert.id': alert.id,
            'alert.level': alert.level,
            'alert.kind': alert.kind,
            'alert.factor': alert.factor,
            'alert.message': alert.message,
            'alert.value': alert.value,
            'alert.limit': alert.limit,
            'alert.unit': alert.unit,
            'alert.source': alert.source,
            'alert.sensorId': alert.sensorId,
            'facility.id': row.facilityId,
            'facility.name': place.facilityName,
            zone: place.zone,
            idempotencyKey: row.idempotencyKey,
          })
    await postWebhook(
      {
        url: channel.url,
        body,
        secret: secrets.secret,
        headers: secrets.headers,
        idempotencyKey: row.idempotencyKey,
      },
      settings.webhookAllowedHosts,
    )
  }

  async function dispatchOne(row: StoredNotification): Promise<void> {
    const at = now()
    const channel = await notifications.getChannel(row.facilityId, row.channelId)
    if (channel === undefined) return notifications.cancelNotification(row.id, 'the channel was deleted')
    const alert = await alerts.get(row.alertId)
    if (!stillWarranted(row, alert)) {
      return notifications.cancelNotification(row.id, 'acknowledged, escalated or closed before its turn')
    }
    const policy = await notifications.getEscalationPolicy(row.facilityId)
    if (row.event === 'alert.opened' || row.event === 'alert.escalated') {
      const release = releaseTime(at, row.level, policy?.quietHours)
      if (release > at) return notifications.deferNotification(row.id, release, 'held back by quiet hours')
    }
    try {
      await send(row, channel, at)
    } catch (err) {
      const reason = (err as Error).message.slice(0, 500)
      const attempt = row.attempts + 1
      const retryAt =
        attempt >= settings.maxAttempts
          ? undefined
          : now() + retryDelay(attempt, settings.retryBaseMs, settings.retryMaxMs)
      log.warn({ notification: row.id, channel: row.channelId, attempt, reason }, 'notification not sent')
      return notifications.recordFailure(row.id, now(), reason, retryAt)
    }
    const latest = await alerts.get(row.alertId)
    const next = latest !== undefined && isUnacknowledged(latest) ? repeatOf(row, policy) : undefined
    await notifications.recordSent(row.id, now(), next)
    log.info(
      { notification: row.id, channel: row.channelId, event: row.event, alertId: row.alertId },
      'notification sent',
    )
  }

  /** Up to a batch, claimed one at a time: each claim outlasts one send (SMTP's timeouts add up to 50 s). */
  async function dispatch(): Promise<void> {
    for (let sent = 0; sent < settings.batch && !closed; sent++) {
      const [row] = await notifications.claimDueNotifications(now(), 1, SENDING_LEASE_MS)
      if (row === undefined) return
      try {
        await dispatchOne(row)
      } catch (err) {
        log.error({ err, notification: row.id }, 'could not handle a notification')
      }
    }
  }

  /** One round: plan, then send what is due. */
  function runOnce(): Promise<void> {
    running ??= (async () => {
      try {
        await plan()
        await dispatch()
      } catch (err) {
        log.error({ err }, 'notification round failed')
      }
    })().finally(() => {
      running = undefined
    })
    return running
  }

  function schedule(): void {
    if (closed) return
    timer = setTimeout(() => {
      void runOnce().then(schedule)
    }, settings.intervalMs)
  }
  schedule()

  return {
    runOnce,
    async close(): Promise<void> {
      closed = true
      clearTimeout(timer)
      await running
      email.close()
    },
  }
}

export type Notifier = Awaited<ReturnType<typeof startNotifier>>
