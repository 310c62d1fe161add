import type pg from 'pg'
import { type AuditRow, toEntry } from '../rows/audit.ts'
import type { AuditEntry, AuditQuery, AuditRecord, Registry } from '../types.ts'
import { type Queryable, registryError, selectPage, Where } from './database.ts'

const AUDIT_VIEW = `(SELECT *, before IS NOT NULL AS has_before, after IS NOT NULL AS has_after
  FROM audit_entry) AS audit_entry`

/** Appends one audit entry on `db`: the pool, or the transaction of the change it records. */
export async function auditInsert(db: Queryable, record: AuditRecord): Promise<AuditEntry> {
  const { at, actor, action, facilityId, target, before, after } = record
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO audit_entry (at, actor_key_id, actor_name, actor_role, action, facility_id, target_type,
       target_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb) RETURNING id`,
    [
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
    ],
  )
  return { id: rows[0]!.id, ...record }
}

/** The audit trail: append and read. No update or delete here, and triggers refuse them (migration 001). */
export function auditRepository(pool: pg.Pool): Pick<Registry, 'recordAudit' | 'listAudit'> {
  return {
    async recordAudit(entry) {
      try {
        return await auditInsert(pool, entry)
      } catch (err) {
        throw registryError(err, {})
      }
    },
    async listAudit(query: AuditQuery) {
      const where = new Where().in('facility_id', query.facilityIds)
      if (query.facilityBound === true) where.add('facility_id IS NOT NULL')
      if (query.facilityId !== undefined) where.add('facility_id = ?', query.facilityId)
      if (query.actorKeyId !== undefined) where.add('actor_key_id = ?', query.actorKeyId)
      if (query.action !== undefined) where.add('action = ?', query.action)
      if (query.from !== undefined) where.add('at >= ?', query.from)
      if (query.to !== undefined) where.add('at < ?', query.to)
      const { rows, total } = await selectPage<AuditRow>(pool, AUDIT_VIEW, where, 'id DESC', query)
      return { items: rows.map(toEntry), total, limit: query.limit, offset: query.offset }
    },
  }
}
