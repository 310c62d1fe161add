import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type {
  AuditAction,
  AuditEntry,
  AuditQuery,
  AuditRecord,
  AuditTarget,
  Registry,
  Role,
} from '../types.ts'
import { selectPage, Where } from './paging.ts'

interface AuditRow {
  id: number
  at: number
  actor_key_id: string | null
  actor_name: string
  actor_role: Role
  action: AuditAction
  facility_id: string | null
  target_type: AuditTarget
  target_id: string
  before: string | null
  after: string | null
}

function toEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    id: row.id,
    at: row.at,
    actor: { name: row.actor_name, role: row.actor_role },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
  }
  if (row.actor_key_id !== null) entry.actor.keyId = row.actor_key_id
  if (row.facility_id !== null) entry.facilityId = row.facility_id
  if (row.before !== null) entry.before = JSON.parse(row.before)
  if (row.after !== null) entry.after = JSON.parse(row.after)
  return entry
}

/** The INSERT of one audit entry, for callers that record it in the transaction of their own change. */
export function auditInsert(db: DatabaseSync) {
  const insert: StatementSync = db.prepare(
    `INSERT INTO audit_entry (at, actor_key_id, actor_name, actor_role, action, facility_id, target_type,
       target_id, before, after)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  return function recordAuditSync(record: AuditRecord): AuditEntry {
    const { at, actor, action, facilityId, target, before, after } = record
    const result = insert.run(
      at,
      actor.keyId ?? null,
      actor.name,
      actor.role,
      action,
      facilityId ?? null,
      target.type,
      target.id,
      before === undefined ? null : JSON.stringify(before),
      after === undefined ? null : JSON.stringify(after),
    )
    return { id: Number(result.lastInsertRowid), ...record }
  }
}

/** The audit trail: append and read. No update or delete here, and triggers refuse them (migration 007). */
export function auditRepository(db: DatabaseSync): Pick<Registry, 'recordAudit' | 'listAudit'> {
  const record = auditInsert(db)
  return {
    async recordAudit(entry) {
      return record(entry)
    },
    async listAudit(query: AuditQuery) {
      const where = new Where().in('facility_id', query.facilityIds)
      if (query.facilityBound === true) where.add('facility_id IS NOT NULL')
      if (query.facilityId !== undefined) where.add('facility_id = ?', query.facilityId)
      if (query.actorKeyId !== undefined) where.add('actor_key_id = ?', query.actorKeyId)
      if (query.action !== undefined) where.add('action = ?', query.action)
      if (query.from !== undefined) where.add('at >= ?', query.from)
      if (query.to !== undefined) where.add('at < ?', query.to)
      const { rows, total } = selectPage<AuditRow>(db, 'audit_entry', where, 'id DESC', query)
      return { items: rows.map(toEntry), total, limit: query.limit, offset: query.offset }
    },
  }
}
