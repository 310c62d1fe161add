import type { Actor, Alert } from '../../core/alerts.ts'
import type { AlertQuery, AuditActor } from '../types.ts'

/** When the alert stopped being active: cleared or resolved, whichever came first. */
export function closedAt(alert: Alert): number | null {
  if (alert.state === 'cleared') return alert.clearedAt ?? alert.updatedAt
  if (alert.state === 'resolved') return Math.min(alert.clearedAt ?? Infinity, alert.resolution!.at)
  return null
}

export function actorOf(actor: AuditActor): Actor {
  return actor.keyId === undefined ? { name: actor.name } : { keyId: actor.keyId, name: actor.name }
}

/** What both registries' `Where` offer: `?` placeholders, each turns them into its own. */
interface Conditions {
  add(condition: string, ...params: (string | number)[]): unknown
  in(column: string, values: readonly string[] | undefined): unknown
}

/** The conditions an alert query puts on the `alert` table. */
export function addAlertConditions(where: Conditions, query: AlertQuery): void {
  where.in('facility_id', query.facilityIds)
  if (query.facilityId !== undefined) where.add('facility_id = ?', query.facilityId)
  if (query.sensorId !== undefined) where.add('sensor_id = ?', query.sensorId)
  if (query.factor !== undefined) where.add('factor = ?', query.factor)
  if (query.kind !== undefined) where.add('kind = ?', query.kind)
  if (query.level !== undefined) where.add('level = ?', query.level)
  if (query.state === 'active') where.add("state IN ('open', 'acknowledged')")
  else if (query.state !== undefined) where.add('state = ?', query.state)
  if (query.reason !== undefined) where.add('reason = ?', query.reason)
  if (query.to !== undefined) where.add('opened_at < ?', query.to)
  if (query.from !== undefined) where.add('(closed_at IS NULL OR closed_at >= ?)', query.from)
}

/** Critical above alarm above warning: an officer reads the worst first (issue #19). */
const SEVERITY_RANK = "CASE level WHEN 'critical' THEN 3 WHEN 'alarm' THEN 2 ELSE 1 END"

export function alertOrder(query: AlertQuery): string {
  return query.sort === 'severity' ? `${SEVERITY_RANK} DESC, opened_at DESC, id` : 'opened_at DESC, id'
}
