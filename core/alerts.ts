import type { FactorId } from './factors.ts'
import { alertTexts } from './messages/alert-text.ts'

export const ALERT_KINDS = [
  'ceiling',
  'stel',
  'twa',
  'dose',
  'projected',
  'heat-stress',
  'sensor-offline',
  'sensor-fault',
] as const
export type AlertKind = (typeof ALERT_KINDS)[number]

/** warning: an action level is reached; alarm: the limit; critical: a ceiling or IDLH. */
export const ALERT_LEVELS = ['warning', 'alarm', 'critical'] as const
export type AlertLevel = (typeof ALERT_LEVELS)[number]

/** What each state means, and what moves an alert between them: core/alert-lifecycle.ts. */
export const ALERT_STATES = ['open', 'acknowledged', 'cleared', 'resolved'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/**
 * Who did something to an alert: the API key the request carried, by its id and its name. Never a name
 * typed in a form, which anyone could fill with someone else's.
 */
export interface Actor {
  /** Absent only on acknowledgements made before keys identified people (registry migration 006). */
  keyId?: string
  name: string
}

/** Why a person closed an alert. */
export const RESOLUTION_REASONS = [
  'false-alarm',
  'sensor-fault',
  'ventilation-fixed',
  'ppe-issued',
  'process-stopped',
  'other',
] as const
export type ResolutionReason = (typeof RESOLUTION_REASONS)[number]

/** A person saw the alert at this level. */
export interface Acknowledgement {
  by: Actor
  at: number
  /** The level the alert had: a higher one can be acknowledged again. */
  level: AlertLevel
  note?: string
}

/** A person closed the alert, with a reason. */
export interface Resolution {
  by: Actor
  at: number
  reason: ResolutionReason
  note?: string
}

/** One problem on one sensor's factor, from the moment it opens until it clears or a person resolves it. */
export interface Alert {
  id: string
  facilityId: string
  sensorId: string
  factor: FactorId
  kind: AlertKind
  level: AlertLevel
  state: AlertState
  /** The worst value seen while the alert was open, in the factor's canonical unit. */
  value: number
  limit: number
  unit: string
  /** Where the limit comes from: regulation, table, row. */
  source: string
  message: string
  openedAt: number
  updatedAt: number
  /** When the measurements came back inside the clear band. */
  clearedAt?: number
  /** Everyone who acknowledged it, oldest first. */
  acknowledgements?: Acknowledgement[]
  /** Set once a person has closed it. */
  resolution?: Resolution
}

const iso = (time: number) => new Date(time).toISOString()

/**
 * The alert as the API and webhooks show it: times as ISO-8601, acknowledgements always a list, its
 * sentence and source in both languages (`texts`, core/messages). One shape for GET /api/v1/alerts and a
 * webhook's `alert`, so a receiver parses both alike.
 */
export function alertJson(alert: Alert) {
  const { acknowledgements = [], resolution, ...rest } = alert
  return {
    ...rest,
    texts: alertTexts(alert),
    openedAt: iso(alert.openedAt),
    updatedAt: iso(alert.updatedAt),
    clearedAt: alert.clearedAt === undefined ? undefined : iso(alert.clearedAt),
    acknowledgements: acknowledgements.map((a) => ({ ...a, at: iso(a.at) })),
    resolution: resolution === undefined ? undefined : { ...resolution, at: iso(resolution.at) },
  }
}
