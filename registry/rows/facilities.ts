import type { FactorId } from '../../core/factors.ts'
import type { ProfileId } from '../../core/limits/index.ts'
import type { ShiftPattern } from '../../core/shifts.ts'
import type { Facility, Zone } from '../types.ts'

/**
 * A facility row with its contractors, its JSON columns parsed: PostgreSQL's view aggregates the contractors
 * and hands jsonb over parsed; SQLite parses its text and looks the contractors up before mapping.
 */
export interface FacilityRow {
  id: string
  name: string
  province: string
  province_code: string
  former_province: string | null
  sector: string
  address: string
  owner_id: string | null
  hazards: FactorId[]
  profile: ProfileId
  shifts: ShiftPattern
  workers: number
  registered_at: number | null
  contractor_ids: string[]
}

export interface ZoneRow {
  id: string
  facility_id: string
  name: string
  limit_variant: string | null
  workers: number | null
}

export function toFacility(row: FacilityRow): Facility {
  const facility: Facility = {
    id: row.id,
    name: row.name,
    province: row.province,
    sector: row.sector,
    address: row.address,
    contractorIds: row.contractor_ids,
    hazards: row.hazards,
    profile: row.profile,
    shifts: row.shifts,
    workers: row.workers,
    provinceCode: row.province_code,
  }
  if (row.owner_id !== null) facility.ownerId = row.owner_id
  if (row.former_province !== null) facility.formerProvince = row.former_province
  if (row.registered_at !== null) facility.registeredAt = row.registered_at
  return facility
}

export function toZone(row: ZoneRow): Zone {
  return {
    id: row.id,
    facilityId: row.facility_id,
    name: row.name,
    ...(row.limit_variant === null ? {} : { limitVariant: row.limit_variant }),
    ...(row.workers === null ? {} : { workers: row.workers }),
  }
}
