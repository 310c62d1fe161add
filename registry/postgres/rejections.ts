import type pg from 'pg'
import { REJECTIONS_KEPT_PER_SENSOR } from '../sqlite/rejections.ts'
import type { RejectionLog, SensorRejection } from '../types.ts'
import { inTransaction, withoutNul } from './database.ts'

interface RejectionRow {
  sensor_id: string
  received_at: number
  topic: string
  reason: string
  detail: string
  payload: string
}

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

export function rejectionLog(pool: pg.Pool): RejectionLog {
  return {
    async recordRejections(rejections) {
      if (rejections.length === 0) return
      // A hostile sensor's bytes may hold NUL, which PostgreSQL text cannot: shown as U+FFFD, never lost.
      const rows = rejections.map((r) => ({
        sensor_id: r.sensorId,
        received_at: r.receivedAt,
        topic: withoutNul(r.topic),
        reason: r.reason,
        detail: withoutNul(r.detail),
        payload: withoutNul(r.payload),
      }))
      await inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO sensor_rejection (sensor_id, received_at, topic, reason, detail, payload)
           SELECT r ->> 'sensor_id', (r ->> 'received_at')::bigint, r ->> 'topic', r ->> 'reason',
             r ->> 'detail', r ->> 'payload'
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e (r, n) ORDER BY e.n`,
          [JSON.stringify(rows)],
        )
        // Everything older than each sensor's newest REJECTIONS_KEPT_PER_SENSOR goes.
        await client.query(
          `DELETE FROM sensor_rejection WHERE id IN (
             SELECT id FROM (
               SELECT id, row_number() OVER (PARTITION BY sensor_id ORDER BY id DESC) AS newer
               FROM sensor_rejection WHERE sensor_id = ANY($1::text[])) AS ranked
             WHERE newer > $2)`,
          [[...new Set(rows.map((r) => r.sensor_id))], REJECTIONS_KEPT_PER_SENSOR],
        )
      })
    },
    async listRejections(sensorId, page) {
      const [count, rows] = await Promise.all([
        pool.query<{ n: number }>('SELECT count(*) AS n FROM sensor_rejection WHERE sensor_id = $1', [
          sensorId,
        ]),
        pool.query<RejectionRow>(
          'SELECT * FROM sensor_rejection WHERE sensor_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3',
          [sensorId, page.limit, page.offset],
        ),
      ])
      return {
        items: rows.rows.map(toRejection),
        total: count.rows[0]!.n,
        limit: page.limit,
        offset: page.offset,
      }
    },
  }
}
