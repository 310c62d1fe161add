import type pg from 'pg'
import type { FacilityShift } from '../../core/shifts.ts'
import type { Registry } from '../types.ts'
import { inTransaction } from './database.ts'

interface ShiftRow {
  facility_id: string
  start: number
  end_at: number
  hours: number
  utc_offset_minutes: number
}

/** Shifts are kept this long: readings older than 7 days are refused, so no older shift is judged again. */
const SHIFTS_KEPT_MS = 35 * 86_400_000

function toShift(row: ShiftRow): FacilityShift {
  return {
    facilityId: row.facility_id,
    start: row.start,
    end: row.end_at,
    hours: row.hours,
    utcOffsetMinutes: row.utc_offset_minutes,
  }
}

/** The shifts ingest opened at each facility. */
export function shiftRepository(pool: pg.Pool): Pick<Registry, 'recordShifts' | 'findShifts'> {
  return {
    async recordShifts(shifts) {
      if (shifts.length === 0) return
      const newest = Math.max(...shifts.map((s) => s.start))
      await inTransaction(pool, async (client) => {
        // The first record of a shift stands: a second ingest worker opening the same one changes nothing.
        await client.query(
          `INSERT INTO facility_shift (facility_id, start, end_at, hours, utc_offset_minutes)
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::double precision[], $5::integer[])
           ON CONFLICT (facility_id, start) DO NOTHING`,
          [
            shifts.map((s) => s.facilityId),
            shifts.map((s) => s.start),
            shifts.map((s) => s.end),
            shifts.map((s) => s.hours),
            shifts.map((s) => s.utcOffsetMinutes),
          ],
        )
        await client.query('DELETE FROM facility_shift WHERE start < $1', [newest - SHIFTS_KEPT_MS])
      })
    },
    async findShifts(keys) {
      if (keys.length === 0) return []
      const { rows } = await pool.query<ShiftRow>(
        `SELECT shift.* FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS wanted (facility_id, start, n)
         JOIN facility_shift AS shift USING (facility_id, start) ORDER BY wanted.n`,
        [keys.map((k) => k.facilityId), keys.map((k) => k.start)],
      )
      return rows.map(toShift)
    },
  }
}
