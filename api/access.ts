import type { Role } from '../registry/types.ts'
import { HttpError } from './http-errors.ts'

/** Who is calling, as their API key says: the role, and the facilities the key reaches. */
export interface Principal {
  keyId: string
  name: string
  role: Role
  /** 'all' for admins and regulators; the facility ids a contractor serves or an officer works at. */
  facilities: 'all' | readonly string[]
  organisationId?: string
}

export function canReach(principal: Principal, facilityId: string): boolean {
  return principal.facilities === 'all' || principal.facilities.includes(facilityId)
}

/** Throws 403 unless the principal reaches the facility. */
export function assertReach(principal: Principal, facilityId: string): void {
  if (!canReach(principal, facilityId)) {
    throw new HttpError(403, `this key does not reach facility ${facilityId}`)
  }
}

/** The facility ids a listing is limited to: undefined for keys that reach everything. */
export function scopeOf(principal: Principal): readonly string[] | undefined {
  return principal.facilities === 'all' ? undefined : principal.facilities
}

/** Which roles may call a route; every route under /api/v1 declares it (see plugins/app/auth.ts). */
export const READERS: readonly Role[] = ['admin', 'regulator', 'contractor', 'officer']
export const MAINTAINERS: readonly Role[] = ['admin', 'contractor']
export const ADMINS: readonly Role[] = ['admin']
