import type pg from 'pg'
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
import { ConflictError, NotFoundError } from '../errors.ts'
import { actorOf, addAlertConditions, alertOrder, closedAt } from '../rows/alerts.ts'
import type { AlertQuery, AlertRepository, AuditActor, StateRepository } from '../types.ts'
import { auditInsert } from './audit.ts'
import { inTransaction, type Queryable, registryError, selectPage, Where } from './database.ts'
import { checkLease, currentLeases } from './partition-leases.ts'

/**
 * Held (transaction-scoped) by every write of the register: one writer at a time, as SQLite's IMMEDIATE
 * transaction gives, so the alert read is the one written over and `alert_event.seq` is taken in commit
 * order — a reader of the log after position n never misses an event that commits later with a lower n.
 * Alert transitions are rare (not one a reading), so one lock costs nothing that matters.
 */
const ALERT_REGISTER_LOCK = 0x616c65727473n // "alerts"

async function load(db: Queryable, id: string): Promise<Alert | undefined> {
  return (await db.query<{ body: Alert }>('SELECT body FROM alert WHERE id = $1', [id])).rows[0]?.body
}

async function write(db: Queryable, { alert, events }: Changed): Promise<void> {
  await db.query(
    `INSERT INTO alert (id, facility_id, sensor_id, factor, kind, level, state, reason, opened_at, updated_at,
       closed_at, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)
     ON CONFLICT (id) DO UPDATE SET level = excluded.level, state = excluded.state, reason = excluded.reason,
       updated_at = excluded.updated_at, closed_at = excluded.closed_at, body = excluded.body`,
    [
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
    ],
  )
  if (events.length === 0) return
  await db.query(
    `INSERT INTO alert_event (alert_id, type, at, body)
     SELECT $1, e.body ->> 'type', (e.body ->> 'at')::bigint, e.body
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e (body, n) ORDER BY e.n`,
    [alert.id, JSON.stringify(events)],
  )
}

/**
 * The alert register, the one owner of alert state (rules: core/alert-lifecycle.ts), on PostgreSQL: each
 * detection and each person's act is applied to the stored alert in one transaction under the register's
 * lock, with its events appended to `alert_event` and, for people's acts, the audit entry.
 */
export function alertRepository(pool: pg.Pool): AlertRepository {
  async function locked<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [ALERT_REGISTER_LOCK.toString()])
        return work(client)
      })
    } catch (err) {
      throw registryError(err, {})
    }
  }

  /** A person's act: the rule, the write and the audit entry, all or nothing. */
  function act(
    id: string,
    actor: AuditActor,
    action: 'alert.acknowledge' | 'alert.resolve',
    at: number,
    rule: (stored: Alert) => Changed,
  ): Promise<Changed> {
    return locked(async (client) => {
      const stored = await load(client, id)
      if (stored === undefined) throw new NotFoundError(`no alert ${id}`)
      let changed: Changed
      try {
        changed = rule(stored)
      } catch (err) {
        if (err instanceof AlertConflict) throw new ConflictError(err.message)
        throw err
      }
      await write(client, changed)
      await auditInsert(client, {
        at,
        actor,
        action,
        facilityId: stored.facilityId,
        target: { type: 'alert', id },
        before: stored,
        after: changed.alert,
      })
      return changed
    })
  }

  function recordDetections(
    detections: readonly Detection[],
    fenced?: Parameters<AlertRepository['recordDetections']>[1],
  ): Promise<AlertEvent[]> {
    return locked(async (client) => {
      if (fenced !== undefined) {
        await checkLease(client, fenced.lease)
        await writeStates(client, fenced.states)
      }
      const events: AlertEvent[] = []
      for (const detection of detections) {
        const changed = applyDetection(await load(client, detection.alert.id), detection)
        if (changed === undefined) continue
        await write(client, changed)
        events.push(...changed.events)
      }
      return events
    })
  }

  return {
    recordDetection: (detection) => recordDetections([detection]),
    recordDetections,
    acknowledgeAlert(id, { actor, at, note }) {
      return act(id, actor, 'alert.acknowledge', at, (stored) =>
        acknowledge(stored, actorOf(actor), note, at),
      )
    },
    resolveAlert(id, { actor, at, note, reason }) {
      return act(id, actor, 'alert.resolve', at, (stored) =>
        resolve(stored, actorOf(actor), reason, note, at),
      )
    },
    get: (id: string) => load(pool, id),
    async list(query: AlertQuery) {
      const where = new Where()
      addAlertConditions(where, query)
      const order = alertOrder(query)
      const { rows, total } = await selectPage<{ body: Alert }>(pool, 'alert', where, order, query)
      return { items: rows.map((row) => row.body), total, limit: query.limit, offset: query.offset }
    },
    async alertEventsAfter(seq, limit) {
      const { rows } = await pool.query<{ seq: number; body: AlertEvent }>(
        'SELECT seq, body FROM alert_event WHERE seq > $1 ORDER BY seq LIMIT $2',
        [seq, limit],
      )
      return rows.map((row) => ({ seq: row.seq, event: row.body }))
    },
  }
}

/** Writes states with the given connection (the pool, or a transaction's client). */
async function writeStates(
  db: Queryable,
  states: Iterable<readonly [key: string, value: unknown]>,
): Promise<void> {
  // The last value of a key given twice stands, as one after the other would leave it.
  const byKey = new Map<string, unknown>(states)
  if (byKey.size === 0) return
  await db.query(
    `INSERT INTO ingest_state (key, body, updated_at)
     SELECT key, body, $3 FROM unnest($1::text[], $2::json[]) AS s (key, body)
     ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    [[...byKey.keys()], [...byKey.values()].map((value) => JSON.stringify(value)), Date.now()],
  )
}

export function stateRepository(pool: pg.Pool): StateRepository {
  return {
    async loadStates(prefix: string) {
      // A range on the primary key (COLLATE "C"): `prefix` ≤ key < `prefix` followed by the highest code point.
      const { rows } = await pool.query<{ key: string; body: unknown }>(
        'SELECT key, body FROM ingest_state WHERE key >= $1 AND key < $2',
        [prefix, `${prefix}\u{10ffff}`],
      )
      return new Map(rows.map((row) => [row.key, row.body]))
    },
    saveStates: (states) => writeStates(pool, states),
    async deleteStates(keys) {
      const distinct = [...new Set(keys)]
      if (distinct.length === 0) return
      await pool.query('DELETE FROM ingest_state WHERE key = ANY($1::text[])', [distinct])
    },
    async saveFencedStates(groups) {
      if (groups.length === 0) return []
      try {
        return await inTransaction(pool, async (client) => {
          const current = await currentLeases(
            client,
            groups.map((g) => g.lease),
          )
          const fenced: number[] = []
          const states: (readonly [string, unknown])[] = []
          for (const { lease, states: group } of groups) {
            if (current.has(lease.partition)) states.push(...group)
            else fenced.push(lease.partition)
          }
          await writeStates(client, states)
          return fenced
        })
      } catch (err) {
        throw registryError(err, {})
      }
    },
  }
}
