import type { FactorId } from './factors.ts'

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

export const ALERT_STATES = ['open', 'acknowledged', 'cleared'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/** One problem on one sensor's factor, from the moment it opens until it clears. */
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
  clearedAt?: number
  acknowledgedAt?: number
  acknowledgedBy?: string
  note?: string
}
