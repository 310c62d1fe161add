import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isKeyActive } from '../../../registry/api-keys.ts'
import { digest, parseApiKey } from '../../../registry/credentials.ts'
import type { ApiKey, Registry, Role } from '../../../registry/types.ts'
import type { Principal } from '../../access.ts'
import { HttpError } from '../../http-errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every /api/v1 request that passed authentication. */
    principal: Principal
  }
  interface FastifyInstance {
    /** Resolves a bearer token to its principal; throws 401 for a missing, unknown, revoked or expired key. */
    authenticate(token: string | undefined): Promise<Principal>
  }
  interface FastifyContextConfig {
    /** Roles allowed to call the route. Routes under /api/v1 without it are refused: deny by default. */
    roles?: readonly Role[]
  }
}

const unauthorized = (message: string) => new HttpError(401, message)

/** What a key may reach now: a contractor's facilities are read again each time, as they change. */
export async function principalOf(registry: Registry, key: ApiKey): Promise<Principal> {
  let facilities: Principal['facilities'] = 'all'
  if (key.role === 'officer') facilities = key.facilityId === undefined ? [] : [key.facilityId]
  else if (key.role === 'contractor') {
    facilities =
      key.organisationId === undefined ? [] : await registry.facilitiesOfContractor(key.organisationId)
  }
  return {
    keyId: key.id,
    name: key.name,
    role: key.role,
    facilities,
    organisationId: key.organisationId,
    expiresAt: key.expiresAt,
  }
}

export async function principalFor(registry: Registry, token: string | undefined): Promise<Principal> {
  if (token === undefined || token === '')
    throw unauthorized('an API key is required: Authorization: Bearer qk_…')
  const parsed = parseApiKey(token)
  if (parsed === undefined) throw unauthorized('malformed API key')
  const key = await registry.findApiKey(parsed.id)
  const given = Buffer.from(digest(parsed.secret))
  // One answer for every key that does not open the API, so a caller learns nothing about keys it does not hold.
  if (
    key === undefined ||
    !timingSafeEqual(given, Buffer.from(key.secretHash)) ||
    !isKeyActive(key, Date.now())
  ) {
    throw unauthorized('unknown, revoked or expired API key')
  }
  return principalOf(registry, key)
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined
}

/**
 * Authentication and role checks for /api/v1: a bearer API key (`qk_{id}_{secret}`, stored as a SHA-256
 * digest) resolves to a principal; the route's `config.roles` says who may call it. Facility scope is
 * checked by each route (`reachableFacility`, `assertReachable` in access.ts), because only the route knows
 * which facility it touches.
 */
export default fp(
  async function auth(fastify: FastifyInstance) {
    fastify.decorateRequest('principal', null as unknown as Principal)
    fastify.decorate('authenticate', (token: string | undefined) => principalFor(fastify.registry, token))
    // Access is decided by the route that matched, never by how the URL is spelled: the router matches the
    // decoded path, so `/%61pi/v1/keys` is the keys route and gets its roles (a prefix test on request.url
    // let it through unauthenticated). A route without roles is public: onRoute below allows that only
    // outside /api/.
    fastify.addHook('onRequest', async function authenticateRequest(request) {
      const roles = request.routeOptions.config.roles
      if (roles === undefined) return
      request.principal = await fastify.authenticate(bearer(request))
      if (!roles.includes(request.principal.role)) {
        throw new HttpError(
          403,
          `the ${request.principal.role} role may not ${request.method} ${request.routeOptions.url}`,
        )
      }
    })
    fastify.addHook('onRoute', function requireRoles(route) {
      if (route.url.toLowerCase().startsWith('/api/') && route.config?.roles === undefined) {
        throw new Error(`route ${route.method} ${route.url} declares no roles`)
      }
    })
  },
  { name: 'auth', dependencies: ['services'] },
)
