import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type SQLInputValue } from 'node:sqlite'
import type { Alert } from '../../core/alerts.ts'
import { configureShared, migrate } from '../../store/sqlite/migrate.ts'
import type {
  Acknowledgement,
  AlertQuery,
  AlertRepository,
  Facility,
  Page,
  PageRequest,
  Registry,
  Sensor,
  StateRepository,
} from '../types.ts'

interface SensorRow {
  id: string
  facility_id: string
  model: string
  zone: string
  factors: string
}

const ALERT_COLUMNS = 'body, acknowledged_at, acknowledged_by, note'

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

function toSensor(row: SensorRow): Sensor {
  return {
    id: row.id,
    facilityId: row.facility_id,
    model: row.model,
    zone: row.zone,
    factors: JSON.parse(row.factors),
  }
}

const STATE_CONDITIONS = {
  active: 'cleared = 0',
  open: 'cleared = 0 AND acknowledged_at IS NULL',
  acknowledged: 'cleared = 0 AND acknowledged_at IS NOT NULL',
  cleared: 'cleared = 1',
} as const

/** The registry and the alert repository in one SQLite file under the data directory. */
export function openSqliteRegistry(
  path: string,
): Registry & AlertRepository & StateRepository & { close(): void } {
  mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseSync(path)
  configureShared(db)
  migrate(db, new URL('./migrations/', import.meta.url))

  const statements = {
    upsertFacility: db.prepare(
      `INSERT INTO facility (id, name, province, sector, profile) VALUES (:id, :name, :province, :sector, :profile)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, province = excluded.province,
         sector = excluded.sector, profile = excluded.profile`,
    ),
    upsertSensor: db.prepare(
      `INSERT INTO sensor (id, facility_id, model, zone, factors) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET facility_id = excluded.facility_id, model = excluded.model,
         zone = excluded.zone, factors = excluded.factors`,
    ),
    getFacility: db.prepare('SELECT id, name, province, sector, profile FROM facility WHERE id = ?'),
    getSensor: db.prepare('SELECT * FROM sensor WHERE id = ?'),
    saveAlert: db.prepare(
      `INSERT INTO alert (id, facility_id, sensor_id, factor, kind, level, cleared, opened_at, updated_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET level = excluded.level, cleared = excluded.cleared,
         updated_at = excluded.updated_at, body = excluded.body`,
    ),
    loadState: db.prepare('SELECT body FROM ingest_state WHERE key = ?'),
    saveState: db.prepare(
      `INSERT INTO ingest_state (key, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    ),
    getAlert: db.prepare(`SELECT ${ALERT_COLUMNS} FROM alert WHERE id = ?`),
    acknowledgeAlert: db.prepare(
      `UPDATE alert SET acknowledged_at = ?, acknowledged_by = ?, note = ?
       WHERE id = ? AND cleared = 0 AND acknowledged_at IS NULL`,
    ),
  }

  function page<T>(
    table: string,
    where: string[],
    params: SQLInputValue[],
    order: string,
    request: PageRequest,
  ) {
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
    const total = (db.prepare(`SELECT count(*) AS n FROM ${table} ${clause}`).get(...params) as { n: number })
      .n
    const rows = db
      .prepare(`SELECT * FROM ${table} ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, request.limit, request.offset) as T[]
    return { rows, total }
  }

  return {
    async upsertFacility(facility: Facility) {
      statements.upsertFacility.run({ ...facility })
    },
    async upsertSensor(sensor: Sensor) {
      statements.upsertSensor.run(
        sensor.id,
        sensor.facilityId,
        sensor.model,
        sensor.zone,
        JSON.stringify(sensor.factors),
      )
    },
    async getFacility(id: string) {
      return statements.getFacility.get(id) as Facility | undefined
    },
    async listFacilities(request: PageRequest): Promise<Page<Facility>> {
      const { rows, total } = page<Facility>('facility', [], [], 'id', request)
      return { items: rows.map((row) => ({ ...row })), total, ...request }
    },
    async getSensor(id: string) {
      const row = statements.getSensor.get(id) as SensorRow | undefined
      return row && toSensor(row)
    },
    async listSensors(query: PageRequest & { facilityId?: string }): Promise<Page<Sensor>> {
      const where = query.facilityId === undefined ? [] : ['facility_id = ?']
      const params = query.facilityId === undefined ? [] : [query.facilityId]
      const { rows, total } = page<SensorRow>('sensor', where, params, 'facility_id, id', query)
      return { items: rows.map(toSensor), total, limit: query.limit, offset: query.offset }
    },

    async save(alert: Alert) {
      statements.saveAlert.run(
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
      const row = statements.getAlert.get(id) as AlertRow | undefined
      return row && toAlert(row)
    },
    async acknowledge(id: string, acknowledgement: Acknowledgement) {
      const { changes } = statements.acknowledgeAlert.run(
        acknowledgement.at,
        acknowledgement.by,
        acknowledgement.note ?? null,
        id,
      )
      return changes > 0
    },
    async list(query: AlertQuery): Promise<Page<Alert>> {
      const where: string[] = []
      const params: SQLInputValue[] = []
      if (query.facilityId !== undefined) {
        where.push('facility_id = ?')
        params.push(query.facilityId)
      }
      const condition = query.state === undefined ? undefined : STATE_CONDITIONS[query.state]
      if (condition !== undefined) where.push(condition)
      const { rows, total } = page<AlertRow>('alert', where, params, 'opened_at DESC, id', query)
      return { items: rows.map(toAlert), total, limit: query.limit, offset: query.offset }
    },

    async loadState(key: string) {
      const row = statements.loadState.get(key) as { body: string } | undefined
      return row && JSON.parse(row.body)
    },
    async saveState(key: string, value: unknown) {
      statements.saveState.run(key, JSON.stringify(value), Date.now())
    },

    close() {
      db.close()
    },
  }
}
