import type { Facility, Registry, Role } from '../registry/types.ts'
import { HttpError, notFound } from './http-errors.ts'

/**
 * Who is calling, as their API key or their session says: the role, and the facilities it reaches. A person
 * signed in is the same shape as a key, so every route treats both alike.
 */
export interface Principal {
  /** The API key's id, or `user:{id}` for a person signed in (key ids have no colon). */
  keyId: string
  /** The person signed in; undefined for an API key. */
  userId?: string
  name: string
  role: Role
  /** 'all' for admins and regulators; the facility ids a contractor serves or an officer works at. */
  facilities: 'all' | readonly string[]
  organisationId?: string
  /** Epoch ms the key or the session expires at, if it does. */
  expiresAt?: number
}

export function canReach(principal: Principal, facilityId: string): boolean {
  return principal.facilities === 'all' || principal.facilities.includes(facilityId)
}

/**
 * Throws unless `what` exists (its facility is known) and the principal reaches that facility. A key
 * limited to some facilities gets the same answer — 403 `this key does not reach {what}` — for another
 * tenant's sensor, facility or alert as for one that does not exist, so it cannot learn what others have;
 * a key that reaches every facility gets 404 for what does not exist.
 */
export function assertReachable(principal: Principal, facilityId: string | undefined, what: string): void {
  if (facilityId !== undefined && canReach(principal, facilityId)) return
  if (principal.facilities === 'all') throw notFound(`no ${what}`)
  throw new HttpError(403, `this key does not reach ${what}`)
}

/** A facility named in a path, a query or a body: it must exist and be reached (see assertReachable). */
export async function reachableFacility(
  registry: Pick<Registry, 'getFacility'>,
  principal: Principal,
  facilityId: string,
): Promise<Facility> {
  const facility = canReach(principal, facilityId) ? await registry.getFacility(facilityId) : undefined
  assertReachable(principal, facility?.id, `facility ${facilityId}`)
  return facility!
}

/** The facility ids a listing is limited to: undefined for keys that reach everything. */
export function scopeOf(principal: Principal): readonly string[] | undefined {
  return principal.facilities === 'all' ? undefined : principal.facilities
}

/** Which roles may call a route; every route under /api/v1 declares it (see plugins/app/auth.ts). */
export const READERS: readonly Role[] = ['admin', 'regulator', 'contractor', 'officer']
export const MAINTAINERS: readonly Role[] = ['admin', 'contractor']
export const ADMINS: readonly Role[] = ['admin']
