import type { DatabaseSync } from 'node:sqlite'
import {
  AlertConflict,
  type AlertEvent,
  acknowledge,
  applyDetection,
  type Changed,
  type Detection,
  resolve,
} from '../../core/alert-lifecycle.ts'
import type { Alert } from '../../core/alerts.ts'
import { inTransaction } from '../../sqlite/database.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { actorOf, addAlertConditions, alertOrder, closedAt } from '../rows/alerts.ts'
import type { AlertQuery, AlertRepository, AuditActor, StateRepository } from '../types.ts'
import { auditInsert } from './audit.ts'
import { selectPage, Where } from './paging.ts'
import { currentLease, leaseGuard } from './partition-leases.ts'

/**
 * The alert register, the one owner of alert state (rules: core/alert-lifecycle.ts). Ingest's tracker and
 * people's requests both come here; each is applied to the stored alert in one IMMEDIATE transaction (the
 * API and ingest may be two processes on this file), with its events appended to `alert_event` and, for
 * people's acts, the audit entry. Whatever is not running at the time — ingest for an acknowledgement, the
 * API for a detection — finds the result here when it is back.
 */
export function alertRepository(db: DatabaseSync): AlertRepository {
  const recordAudit = auditInsert(db)
  const checkLease = leaseGuard(db)
  const saveState = stateWriter(db)
  const statements = {
    get: db.prepare('SELECT body FROM alert WHERE id = ?'),
    write: db.prepare(
      `INSERT INTO alert (id, facility_id, sensor_id, factor, kind, level, state, reason, opened_at,
         updated_at, closed_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET level = excluded.level, state = excluded.state,
         reason = excluded.reason, updated_at = excluded.updated_at, closed_at = excluded.closed_at,
         body = excluded.body`,
    ),
    log: db.prepare('INSERT INTO alert_event (alert_id, type, at, body) VALUES (?, ?, ?, ?)'),
    eventsAfter: db.prepare('SELECT seq, body FROM alert_event WHERE seq > ? ORDER BY seq LIMIT ?'),
  }

  function load(id: string): Alert | undefined {
    const row = statements.get.get(id) as { body: string } | undefined
    return row === undefined ? undefined : (JSON.parse(row.body) as Alert)
  }

  function write({ alert, events }: Changed): void {
    statements.write.run(
      alert.id,
      alert.facilityId,
      alert.sensorId,
      alert.factor,
      alert.kind,
      alert.level,
      alert.state,
      alert.resolution?.reason ?? null,
      alert.openedAt,
      alert.updatedAt,
      closedAt(alert),
      JSON.stringify(alert),
    )
    for (const event of events) statements.log.run(alert.id, event.type, event.at, JSON.stringify(event))
  }

  /** A person's act: the rule, the write and the audit entry, all or nothing. */
  function act(
    id: string,
    actor: AuditActor,
    action: 'alert.acknowledge' | 'alert.resolve',
    at: number,
    rule: (stored: Alert) => Changed,
  ): Changed {
    return inTransaction(
      db,
      () => {
        const stored = load(id)
        if (stored === undefined) throw new NotFoundError(`no alert ${id}`)
        let changed: Changed
        try {
          changed = rule(stored)
        } catch (err) {
          if (err instanceof AlertConflict) throw new ConflictError(err.message)
          throw err
        }
        write(changed)
        recordAudit({
          at,
          actor,
          action,
          facilityId: stored.facilityId,
          target: { type: 'alert', id },
          before: stored,
          after: changed.alert,
        })
        return changed
      },
      'IMMEDIATE',
    )
  }

  async function recordDetections(
    detections: readonly Detection[],
    fenced?: Parameters<AlertRepository['recordDetections']>[1],
  ): Promise<AlertEvent[]> {
    return inTransaction(
      db,
      () => {
        if (fenced !== undefined) {
          checkLease(fenced.lease)
          saveState(fenced.states)
        }
        return detections.flatMap((detection) => {
          const changed = applyDetection(load(detection.alert.id), detection)
          if (changed === undefined) return []
          write(changed)
          return changed.events
        })
      },
      'IMMEDIATE',
    )
  }

  return {
    recordDetection: (detection) => recordDetections([detection]),
    recordDetections,
    async acknowledgeAlert(id, { actor, at, note }) {
      return act(id, actor, 'alert.acknowledge', at, (stored) =>
        acknowledge(stored, actorOf(actor), note, at),
      )
    },
    async resolveAlert(id, { actor, at, note, reason }) {
      return act(id, actor, 'alert.resolve', at, (stored) =>
        resolve(stored, actorOf(actor), reason, note, at),
      )
    },
    async get(id: string) {
      return load(id)
    },
    async list(query: AlertQuery) {
      const where = new Where()
      addAlertConditions(where, query)
      const order = alertOrder(query)
      const { rows, total } = selectPage<{ body: string }>(db, 'alert', where, order, query)
      const items = rows.map((row) => JSON.parse(row.body) as Alert)
      return { items, total, limit: query.limit, offset: query.offset }
    },
    async alertEventsAfter(seq, limit) {
      const rows = statements.eventsAfter.all(seq, limit) as { seq: number; body: string }[]
      return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.body) as AlertEvent }))
    },
  }
}

/** Writes states inside the caller's transaction. */
function stateWriter(db: DatabaseSync) {
  const save = db.prepare(
    `INSERT INTO ingest_state (key, body, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
  )
  return (states: Iterable<readonly [key: string, value: unknown]>): void => {
    const now = Date.now()
    for (const [key, value] of states) save.run(key, JSON.stringify(value), now)
  }
}

export function stateRepository(db: DatabaseSync): StateRepository {
  // A range on the primary key: `prefix` ≤ key < `prefix` followed by the highest code point.
  const load = db.prepare('SELECT key, body FROM ingest_state WHERE key >= ? AND key < ?')
  const save = stateWriter(db)
  const remove = db.prepare('DELETE FROM ingest_state WHERE key = ?')
  const isCurrent = currentLease(db)
  return {
    async loadStates(prefix: string) {
      const rows = load.all(prefix, `${prefix}\u{10ffff}`) as { key: string; body: string }[]
      return new Map(rows.map((row) => [row.key, JSON.parse(row.body)]))
    },
    async saveStates(states) {
      inTransaction(db, () => save(states), 'IMMEDIATE')
    },
    async deleteStates(keys) {
      inTransaction(
        db,
        () => {
          for (const key of keys) remove.run(key)
        },
        'IMMEDIATE',
      )
    },
    async saveFencedStates(groups) {
      return inTransaction(
        db,
        () => {
          const fenced: number[] = []
          for (const { lease, states } of groups) {
            if (isCurrent(lease)) save(states)
            else fenced.push(lease.partition)
          }
          return fenced
        },
        'IMMEDIATE',
      )
    },
  }
}
