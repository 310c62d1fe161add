import { type AlertEvent, acknowledgedLevel, isActive } from './alert-lifecycle.ts'
import type { Alert, AlertKind, AlertLevel } from './alerts.ts'

/**
 * Who hears of an alert, and when: channels and an escalation policy per facility, and the pure rules that
 * turn an event of the alert event log into notifications (the outbox rows notify/ writes and sends).
 */

export const CHANNEL_KINDS = ['email', 'webhook'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]
export const LANGUAGES = ['vi', 'en'] as const
export type Language = (typeof LANGUAGES)[number]

/** Alert kinds about the sensor itself rather than the air or noise: what a monitoring contractor answers for. */
export const SENSOR_HEALTH_KINDS: readonly AlertKind[] = ['sensor-offline', 'sensor-fault']

interface ChannelFields {
  id: string
  facilityId: string
  /** Who the channel reaches, as a person reads it ("Ca trực đêm"): the name an acknowledgement by link carries. */
  name: string
  /** The levels it hears of. */
  levels: AlertLevel[]
  /** Only these alert kinds; every kind when absent. */
  kinds?: AlertKind[]
  language: Language
}

export interface EmailChannel extends ChannelFields {
  kind: 'email'
  to: string[]
}

export interface WebhookChannel extends ChannelFields {
  kind: 'webhook'
  url: string
  /** A JSON body with `{{…}}` placeholders (README "Notifications"); the standard body when absent. */
  bodyTemplate?: string
  /** Names of the extra headers it sends (their values are secrets, never shown). */
  headerNames?: string[]
}

export type Channel = EmailChannel | WebhookChannel

/** What a webhook signs with and sends that is never shown again after it is set. */
export interface WebhookSecrets {
  secret: string
  headers?: Record<string, string>
}

export interface EscalationTier {
  /** Minutes after the alert reached its level; fractions allowed. */
  delayMinutes: number
  channelIds: string[]
}

/** Vietnam time (UTC+7, no daylight saving), `HH:MM`; a window may run over midnight (22:00–06:00). */
export interface QuietHours {
  start: string
  end: string
  /** The levels held back until the window ends; `critical` never is. */
  holdBack: Exclude<AlertLevel, 'critical'>[]
}

export interface EscalationPolicy {
  facilityId: string
  tiers: EscalationTier[]
  /** Each tier is told again this often while nobody acknowledges; no repeat when absent. */
  repeatMinutes?: number
  quietHours?: QuietHours
}

export const NOTIFICATION_EVENTS = [
  'alert.opened',
  'alert.escalated',
  'alert.acknowledged',
  'alert.cleared',
  'alert.resolved',
] as const
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number]

export const NOTIFICATION_STATES = ['queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled'] as const
export type NotificationState = (typeof NOTIFICATION_STATES)[number]

/** One message to send: an outbox row before it is written. */
export interface PlannedNotification {
  /** Stable for the same event, channel, contact, tier and round: a receiver drops repeats by it. */
  idempotencyKey: string
  alertId: string
  /** The log event it answers, `{type}.{seq}`: part of the idempotency key. */
  transition: string
  facilityId: string
  channelId: string
  contact: string
  event: NotificationEvent
  level: AlertLevel
  tier: number
  round: number
  whileUnacknowledged: boolean
  dueAt: number
  /** The log's event: the alert after it, who acted. */
  alertEvent: AlertEvent
}

const MINUTE_MS = 60_000
const LEVEL_RANK: Record<AlertLevel, number> = { warning: 1, alarm: 2, critical: 3 }

export function channelHears(channel: Channel, alert: Pick<Alert, 'level' | 'kind'>): boolean {
  return (
    channel.levels.includes(alert.level) &&
    (channel.kinds === undefined || channel.kinds.includes(alert.kind))
  )
}

/** The people a channel reaches: each address of an e-mail channel, the webhook as one. */
export function contactsOf(channel: Channel): string[] {
  return channel.kind === 'email' ? channel.to : [channel.name]
}

/** Nobody has acknowledged the alert at its current level, and it is still active. */
export function isUnacknowledged(alert: Alert): boolean {
  if (!isActive(alert)) return false
  const level = acknowledgedLevel(alert)
  return level === undefined || LEVEL_RANK[level] < LEVEL_RANK[alert.level]
}

export function idempotencyKey(parts: {
  alertId: string
  transition: string
  channelId: string
  contact: string
  tier: number
  round: number
}): string {
  const { alertId, transition, channelId, contact, tier, round } = parts
  return `${alertId}:${transition}:${channelId}:${encodeURIComponent(contact)}:t${tier}:r${round}`
}

/** A channel's tier in the policy (the first that names it) and its delay; tier 0 at once when none does. */
function tierOf(
  policy: EscalationPolicy | undefined,
  channelId: string,
): { tier: number; delayMinutes: number } {
  const index = policy?.tiers.findIndex((tier) => tier.channelIds.includes(channelId)) ?? -1
  return index < 0
    ? { tier: 0, delayMinutes: 0 }
    : { tier: index, delayMinutes: policy!.tiers[index]!.delayMinutes }
}

/**
 * What one event of the alert event log (at position `seq`) sends. An alert that opens or escalates goes
 * to every channel that hears its level and kind, each at its tier's delay (a later tier only if nobody has
 * acknowledged by then: the dispatcher checks when it is due). An acknowledgement, a clear or a resolution
 * goes to those already told of the alert (`notified`: channel id → contacts that were sent something), so
 * they learn who took it. `notified` events (for API users, on the live feed) send nothing here.
 */
export function planNotifications(
  logged: { seq: number; event: AlertEvent },
  channels: readonly Channel[],
  policy: EscalationPolicy | undefined,
  notified: ReadonlyMap<string, readonly string[]>,
): PlannedNotification[] {
  const { seq, event } = logged
  const { alert } = event
  const planned: PlannedNotification[] = []
  const transition = `${event.type}.${seq}`
  const add = (
    channelId: string,
    contact: string,
    notification: Pick<PlannedNotification, 'event' | 'tier' | 'whileUnacknowledged' | 'dueAt'>,
  ) =>
    planned.push({
      idempotencyKey: idempotencyKey({
        alertId: alert.id,
        transition,
        channelId,
        contact,
        tier: notification.tier,
        round: 0,
      }),
      alertId: alert.id,
      transition,
      facilityId: alert.facilityId,
      channelId,
      contact,
      level: alert.level,
      round: 0,
      alertEvent: event,
      ...notification,
    })

  if (event.type === 'opened' || event.type === 'escalated') {
    for (const channel of channels) {
      if (!channelHears(channel, alert)) continue
      const { tier, delayMinutes } = tierOf(policy, channel.id)
      for (const contact of contactsOf(channel)) {
        add(channel.id, contact, {
          event: event.type === 'opened' ? 'alert.opened' : 'alert.escalated',
          tier,
          whileUnacknowledged: delayMinutes > 0,
          dueAt: event.at + delayMinutes * MINUTE_MS,
        })
      }
    }
    return planned
  }
  const told: Partial<Record<AlertEvent['type'], NotificationEvent>> = {
    acknowledged: 'alert.acknowledged',
    cleared: 'alert.cleared',
    resolved: 'alert.resolved',
  }
  const name = told[event.type]
  if (name === undefined) return planned
  for (const [channelId, contacts] of notified) {
    for (const contact of contacts)
      add(channelId, contact, { event: name, tier: 0, whileUnacknowledged: false, dueAt: event.at })
  }
  return planned
}

/** The next round of a tier that was sent while nobody acknowledged, if the policy repeats. */
export function repeatOf(
  sent: Omit<PlannedNotification, 'alertEvent'>,
  policy: EscalationPolicy | undefined,
): Omit<PlannedNotification, 'alertEvent'> | undefined {
  if (policy?.repeatMinutes === undefined) return undefined
  if (sent.event !== 'alert.opened' && sent.event !== 'alert.escalated') return undefined
  const round = sent.round + 1
  return {
    ...sent,
    round,
    whileUnacknowledged: true,
    dueAt: sent.dueAt + policy.repeatMinutes * MINUTE_MS,
    idempotencyKey: idempotencyKey({ ...sent, round }),
  }
}

/** Whether a due escalation step still has a reason to go: the alert at the same level, and nobody took it. */
export function stillWarranted(
  notification: Pick<PlannedNotification, 'whileUnacknowledged' | 'level'>,
  alert: Alert | undefined,
): boolean {
  if (!notification.whileUnacknowledged) return true
  return alert !== undefined && alert.level === notification.level && isUnacknowledged(alert)
}

const VIETNAM_OFFSET_MS = 7 * 60 * MINUTE_MS
const DAY_MS = 24 * 60 * MINUTE_MS

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number) as [number, number]
  return hours * 60 + minutes
}

/**
 * When a notification of `level` due at `at` may go: `at` itself, or the end of the quiet hours it falls
 * in when they hold its level back. `critical` is never held back.
 */
export function releaseTime(at: number, level: AlertLevel, quiet: QuietHours | undefined): number {
  if (quiet === undefined || level === 'critical' || !(quiet.holdBack as AlertLevel[]).includes(level))
    return at
  const local = at + VIETNAM_OFFSET_MS
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS
  const minute = (local - dayStart) / MINUTE_MS
  const start = minutesOf(quiet.start)
  const end = minutesOf(quiet.end)
  if (start === end) return at
  const overnight = start > end
  const inside = overnight ? minute >= start || minute < end : minute >= start && minute < end
  if (!inside) return at
  // The end of this window: later today, or tomorrow for the evening part of an overnight one.
  const endDay = overnight && minute >= start ? dayStart + DAY_MS : dayStart
  return endDay + end * MINUTE_MS - VIETNAM_OFFSET_MS
}

/** How long to wait after failed attempt `attempt` (1, 2, …): doubling from `baseMs`, at most `maxMs`. */
export function retryDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
}

/**
 * Who may set up a channel. Admins and the facility's owner organisation any; a contractor that serves the
 * facility only one limited to sensor-health alerts (its own equipment), never one about the air or noise
 * people breathe and hear, which the owner answers for. Returns the reason when not.
 */
export function channelRefusal(
  caller: { role: string; organisationId?: string; servesFacility: boolean },
  facility: { ownerId?: string },
  channel: Pick<Channel, 'kinds'>,
): string | undefined {
  if (caller.role === 'admin') return undefined
  if (caller.organisationId !== undefined && caller.organisationId === facility.ownerId) return undefined
  if (caller.role !== 'contractor' || !caller.servesFacility)
    return 'this key may not set up notifications of this facility'
  const kinds = channel.kinds
  if (
    kinds === undefined ||
    kinds.length === 0 ||
    kinds.some((kind) => !SENSOR_HEALTH_KINDS.includes(kind))
  ) {
    return `a contractor may set up channels for sensor-health alerts only (kinds: ${SENSOR_HEALTH_KINDS.join(', ')})`
  }
  return undefined
}

/**
 * Why a webhook may not point at `url`, or undefined. http(s) only, no credentials in the URL (they would
 * be shown and logged as part of it: use `headers`), and a host on the allow-list when one is set. A
 * self-hosted install may well post to an internal host (a chat relay, an SMS gateway on the LAN), so
 * private addresses are not refused by default: an install that lets untrusted keys set channels sets
 * QUANTRAC_WEBHOOK_ALLOWED_HOSTS.
 */
export function webhookUrlProblem(url: string, allowedHosts?: readonly string[]): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'not a URL'
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http:// and https:// URLs'
  if (parsed.username !== '' || parsed.password !== '')
    return 'no credentials in the URL: send them as a header (`headers`)'
  const host = parsed.hostname.toLowerCase()
  if (allowedHosts !== undefined && allowedHosts.length > 0) {
    const allowed = allowedHosts.some((entry) =>
      entry.startsWith('.') ? host.endsWith(entry) : host === entry,
    )
    if (!allowed) return `host ${host} is not in QUANTRAC_WEBHOOK_ALLOWED_HOSTS`
  }
  return undefined
}

/** The placeholders a webhook body template may hold (README "Notifications"). */
export const TEMPLATE_FIELDS = [
  'event',
  'subject',
  'text',
  'alertUrl',
  'ackUrl',
  'alert.id',
  'alert.level',
  'alert.kind',
  'alert.factor',
  'alert.message',
  'alert.value',
  'alert.limit',
  'alert.unit',
  'alert.source',
  'alert.sensorId',
  'facility.id',
  'facility.name',
  'zone',
  'idempotencyKey',
] as const
export type TemplateField = (typeof TEMPLATE_FIELDS)[number]

/** Fills `{{field}}` with each value escaped for a JSON string (the template puts the quotes). */
export function fillTemplate(
  template: string,
  values: Partial<Record<TemplateField, string | number>>,
): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) =>
    JSON.stringify(String(values[name as TemplateField] ?? '')).slice(1, -1),
  )
}

/** Why a body template is not usable: an unknown placeholder, or not JSON once filled. */
export function templateProblem(template: string): string | undefined {
  for (const match of template.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(match[1]!))
      return `unknown placeholder {{${match[1]}}}; known: ${TEMPLATE_FIELDS.join(', ')}`
  }
  const sample = Object.fromEntries(TEMPLATE_FIELDS.map((field) => [field, 'x "quoted"\nline']))
  try {
    JSON.parse(fillTemplate(template, sample))
  } catch (err) {
    return `not JSON once filled in (placeholders go inside quotes: "{{text}}"): ${(err as Error).message}`
  }
  return undefined
}
