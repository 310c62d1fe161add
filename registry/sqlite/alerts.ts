import type { DatabaseSync } from 'node:sqlite'
import type { Alert } from '../../core/alerts.ts'
import { inTransaction } from '../../store/sqlite/database.ts'
import type { AlertQuery, AlertRepository, StateRepository } from '../types.ts'
import { selectPage, Where } from './paging.ts'

interface AlertRow {
  body: string
  acknowledged_at: number | null
  acknowledged_by: string | null
  note: string | null
}

function toAlert(row: AlertRow): Alert {
  const alert = JSON.parse(row.body) as Alert
  if (row.acknowledged_at === null) return alert
  return {
    ...alert,
    state: alert.state === 'cleared' ? 'cleared' : 'acknowledged',
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by ?? undefined,
    note: row.note ?? undefined,
  }
}

const STATE_CONDITIONS = {
  active: 'cleared = 0',
  open: 'cleared = 0 AND acknowledged_at IS NULL',
  acknowledged: 'cleared = 0 AND acknowledged_at IS NOT NULL',
  cleared: 'cleared = 1',
} as const

export function alertRepository(db: DatabaseSync): AlertRepository {
  const statements = {
    save: db.prepare(
      `INSERT INTO alert (id, facility_id, sensor_id, factor, kind, level, cleared, opened_at, updated_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET level = excluded.level, cleared = excluded.cleared,
         updated_at = excluded.updated_at, body = excluded.body`,
    ),
    get: db.prepare('SELECT body, acknowledged_at, acknowledged_by, note FROM alert WHERE id = ?'),
    acknowledge: db.prepare(
      `UPDATE alert SET acknowledged_at = ?, acknowledged_by = ?, note = ?
       WHERE id = ? AND cleared = 0 AND acknowledged_at IS NULL`,
    ),
  }

  return {
    async save(alert: Alert) {
      statements.save.run(
        alert.id,
        alert.facilityId,
        alert.sensorId,
        alert.factor,
        alert.kind,
        alert.level,
        alert.state === 'cleared' ? 1 : 0,
        alert.openedAt,
        alert.updatedAt,
        JSON.stringify(alert),
      )
    },
    async get(id: string) {
      const row = statements.get.get(id) as AlertRow | undefined
      return row && toAlert(row)
    },
    async acknowledge(id, acknowledgement) {
      const { at, by, note } = acknowledgement
      return statements.acknowledge.run(at, by, note ?? null, id).changes > 0
    },
    async list(query: AlertQuery) {
      const where = new Where().in('facility_id', query.facilityIds)
      if (query.facilityId !== undefined) where.add('facility_id = ?', query.facilityId)
      if (query.state !== undefined) where.add(STATE_CONDITIONS[query.state])
      const { rows, total } = selectPage<AlertRow>(db, 'alert', where, 'opened_at DESC, id', query)
      return { items: rows.map(toAlert), total, limit: query.limit, offset: query.offset }
    },
  }
}

export function stateRepository(db: DatabaseSync): StateRepository {
  // A range on the primary key: `prefix` ≤ key < `prefix` followed by the highest code point.
  const load = db.prepare('SELECT key, body FROM ingest_state WHERE key >= ? AND key < ?')
  const save = db.prepare(
    `INSERT INTO ingest_state (key, body, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
  )
  return {
    async loadStates(prefix: string) {
      const rows = load.all(prefix, `${prefix}\u{10ffff}`) as { key: string; body: string }[]
      return new Map(rows.map((row) => [row.key, JSON.parse(row.body)]))
    },
    async saveStates(states) {
      const now = Date.now()
      inTransaction(db, () => {
        for (const [key, value] of states) save.run(key, JSON.stringify(value), now)
      })
    },
  }
}
