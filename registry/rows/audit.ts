import type { AuditAction, AuditEntry, AuditTarget, Role } from '../types.ts'

/** An audit entry row, `before`/`after` parsed; SQLite parses its JSON text and derives the flags first. */
export interface AuditRow {
  id: number
  at: number
  actor_key_id: string | null
  actor_name: string
  actor_role: Role
  action: AuditAction
  facility_id: string | null
  target_type: AuditTarget
  target_id: string
  before: unknown
  after: unknown
  // jsonb `null` and SQL NULL both read as null: these say which it was.
  has_before: boolean
  has_after: boolean
}

export function toEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    id: row.id,
    at: row.at,
    actor: { name: row.actor_name, role: row.actor_role },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
  }
  if (row.actor_key_id !== null) entry.actor.keyId = row.actor_key_id
  if (row.facility_id !== null) entry.facilityId = row.facility_id
  if (row.has_before) entry.before = row.before
  if (row.has_after) entry.after = row.after
  return entry
}
