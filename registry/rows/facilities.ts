import { isDeepStrictEqual } from 'node:util'
import type { FactorId } from '../../core/factors.ts'
import type { ProfileId } from '../../core/limits/index.ts'
import { PROVINCES_IN_FORCE_FROM, resolveProvince } from '../../core/provinces/index.ts'
import { type ShiftPattern, shiftPatternProblem } from '../../core/shifts.ts'
import { InvalidValueError } from '../errors.ts'
import type { Facility, FacilityPatch, NewFacility, Zone } from '../types.ts'

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

/** The columns of a facility as `facilityValues` gives them, in that order. */
export const FACILITY_COLUMNS = `id, name, province, sector, address, owner_id, hazards, profile, shifts, workers,
  province_code, former_province, registered_at`

/** The current unit a facility's province designates; InvalidValueError when it is none. */
function provinceOf(given: string) {
  const match = resolveProvince(given)
  if (match === undefined) {
    throw new InvalidValueError(
      `province "${given}" is no provincial unit of the list in force since ${PROVINCES_IN_FORCE_FROM} nor a former one (GET /api/v1/provinces lists them)`,
    )
  }
  return match
}

/**
 * The values of FACILITY_COLUMNS for `facility` written over `existing` (undefined for a new one), JSON
 * columns as text; InvalidValueError when its province is no unit or its shifts no pattern.
 */
export function facilityValues(
  facility: NewFacility,
  existing: Facility | undefined,
): (string | number | null)[] {
  const match = provinceOf(facility.province)
  // A record kept from before patterns were checked stays as it is until someone changes its shifts.
  if (existing === undefined || !isDeepStrictEqual(existing.shifts, facility.shifts)) {
    const problem = shiftPatternProblem(facility.shifts)
    if (problem !== undefined) throw new InvalidValueError(`shifts.${problem}`)
  }
  // An upsert that gives no date keeps the one the facility has: reseeding must not move it to today.
  const registeredAt = facility.registeredAt ?? (existing === undefined ? Date.now() : existing.registeredAt)
  return [
    facility.id,
    facility.name,
    match.province.name,
    facility.sector,
    facility.address,
    facility.ownerId ?? null,
    JSON.stringify(facility.hazards),
    facility.profile,
    JSON.stringify(facility.shifts),
    facility.workers,
    match.province.code,
    match.former?.name ?? facility.formerProvince ?? null,
    registeredAt ?? null,
  ]
}

/** `current` with `patch` applied: a new province replaces the old unit it was registered under, unless the patch names one. */
export function patchedFacility(current: Facility, patch: FacilityPatch): NewFacility {
  const { formerProvince, ...kept } = current
  const base = patch.province === undefined ? current : kept
  return { ...base, ...patch, id: current.id }
}
