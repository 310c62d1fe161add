import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { type AuditRow, toEntry } from '../rows/audit.ts'
import type { AuditEntry, AuditQuery, AuditRecord, Registry } from '../types.ts'
import { selectPage, Where } from './paging.ts'

/** An audit row as SQLite returns it: `before`/`after` as JSON text, SQL NULL when absent. */
type StoredAuditRow = Omit<AuditRow, 'before' | 'after' | 'has_before' | 'has_after'> & {
  before: string | null
  after: string | null
}

function parsed(row: StoredAuditRow): AuditRow {
  return {
    ...row,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    has_before: row.before !== null,
    has_after: row.after !== null,
  }
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
      const { rows, total } = selectPage<StoredAuditRow>(db, 'audit_entry', where, 'id DESC', query)
      return {
        items: rows.map((row) => toEntry(parsed(row))),
        total,
        limit: query.limit,
        offset: query.offset,
      }
    },
  }
}
