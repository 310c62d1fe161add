import type { DatabaseSync } from 'node:sqlite'
import type { FacilityShift } from '../../core/shifts.ts'
import { inTransaction } from '../../sqlite/database.ts'
import type { Registry } from '../types.ts'

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

/** The shifts ingest opened at each facility (migration 014). */
export function shiftRepository(db: DatabaseSync): Pick<Registry, 'recordShifts' | 'findShifts'> {
  const statements = {
    // The first record of a shift stands: a second ingest worker opening the same one changes nothing.
    insert: db.prepare(
      `INSERT INTO facility_shift (facility_id, start, end_at, hours, utc_offset_minutes) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (facility_id, start) DO NOTHING`,
    ),
    trim: db.prepare('DELETE FROM facility_shift WHERE start < ?'),
    find: db.prepare('SELECT * FROM facility_shift WHERE facility_id = ? AND start = ?'),
  }
  return {
    async recordShifts(shifts) {
      if (shifts.length === 0) return
      inTransaction(db, () => {
        let newest = Number.NEGATIVE_INFINITY
        for (const s of shifts) {
          statements.insert.run(s.facilityId, s.start, s.end, s.hours, s.utcOffsetMinutes)
          newest = Math.max(newest, s.start)
        }
        statements.trim.run(newest - SHIFTS_KEPT_MS)
      })
    },
    async findShifts(keys) {
      const found: FacilityShift[] = []
      for (const { facilityId, start } of keys) {
        const row = statements.find.get(facilityId, start) as ShiftRow | undefined
        if (row !== undefined) found.push(toShift(row))
      }
      return found
    },
  }
}
