import type { DatabaseSync } from 'node:sqlite'
import { inTransaction } from '../../sqlite/database.ts'
import type { RejectionLog, SensorRejection } from '../types.ts'

interface RejectionRow {
  sensor_id: string
  received_at: number
  topic: string
  reason: string
  detail: string
  payload: string
}

/** How many refused messages are kept per sensor: enough to see a pattern, small for any fleet. */
export const REJECTIONS_KEPT_PER_SENSOR = 100

function toRejection(row: RejectionRow): SensorRejection {
  return {
    sensorId: row.sensor_id,
    receivedAt: row.received_at,
    topic: row.topic,
    reason: row.reason,
    detail: row.detail,
    payload: row.payload,
  }
}

export function rejectionLog(db: DatabaseSync): RejectionLog {
  const statements = {
    insert: db.prepare(
      'INSERT INTO sensor_rejection (sensor_id, received_at, topic, reason, detail, payload) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // Everything older than the sensor's newest REJECTIONS_KEPT_PER_SENSOR goes.
    trim: db.prepare(
      `DELETE FROM sensor_rejection WHERE sensor_id = ? AND id <= (
         SELECT id FROM sensor_rejection WHERE sensor_id = ? ORDER BY id DESC LIMIT 1 OFFSET ${REJECTIONS_KEPT_PER_SENSOR})`,
    ),
    count: db.prepare('SELECT count(*) AS n FROM sensor_rejection WHERE sensor_id = ?'),
    page: db.prepare('SELECT * FROM sensor_rejection WHERE sensor_id = ? ORDER BY id DESC LIMIT ? OFFSET ?'),
  }
  return {
    async recordRejections(rejections) {
      if (rejections.length === 0) return
      inTransaction(db, () => {
        const sensors = new Set<string>()
        for (const r of rejections) {
          statements.insert.run(r.sensorId, r.receivedAt, r.topic, r.reason, r.detail, r.payload)
          sensors.add(r.sensorId)
        }
        for (const sensorId of sensors) statements.trim.run(sensorId, sensorId)
      })
    },
    async listRejections(sensorId, page) {
      const total = (statements.count.get(sensorId) as { n: number }).n
      const rows = statements.page.all(sensorId, page.limit, page.offset) as unknown as RejectionRow[]
      return { items: rows.map(toRejection), total, limit: page.limit, offset: page.offset }
    },
  }
}
