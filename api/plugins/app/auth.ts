import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isCsrfTokenOf, isSessionLive, type SessionLifetime } from '../../../registry/accounts.ts'
import { isKeyActive } from '../../../registry/api-keys.ts'
import { digest, parseApiKey } from '../../../registry/credentials.ts'
import type { ApiKey, Grant, Registry, Role } from '../../../registry/types.ts'
import type { Principal } from '../../access.ts'
import { HttpError } from '../../http-errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every /api/v1 request that passed authentication. */
    principal: Principal
    /** The session id of a request authenticated by its session cookie; undefined for an API key. */
    sessionId: string | undefined
  }
  interface FastifyInstance {
    /** Resolves a bearer token to its principal; throws 401 for a missing, unknown, revoked or expired key. */
    authenticate(token: string | undefined): Promise<Principal>
    /** Resolves a session id to its principal; throws 401 for one that is unknown, ended, expired or disabled. */
    authenticateSession(sessionId: string): Promise<Principal>
  }
  interface FastifyContextConfig {
    /** Roles allowed to call the route. Routes under /api/v1 without it are refused: deny by default. */
    roles?: readonly Role[]
    /**
     * Routes under /api/ anybody may call without credentials: signing in, and the ways back into an
     * account (asking for a password reset, setting a password with an e-mailed link).
     */
    signIn?: true
  }
}

/** The cookie that carries a person's session id. */
export const SESSION_COOKIE = 'quantrac_session'
/** The header a signed-in page sends its CSRF token in, on every request that changes something. */
export const CSRF_HEADER = 'x-csrf-token'

const unauthorized = (message: string) => new HttpError(401, message)

/** What a grant (a key's or a person's) reaches now: a contractor's facilities are read again each time. */
async function reachOf(
  registry: Registry,
  grant: Pick<Grant, 'role' | 'organisationId' | 'facilityId'>,
): Promise<Principal['facilities']> {
  if (grant.role === 'officer') return grant.facilityId === undefined ? [] : [grant.facilityId]
  if (grant.role === 'contractor') {
    return grant.organisationId === undefined ? [] : registry.facilitiesOfContractor(grant.organisationId)
  }
  return 'all'
}

/** What a key may reach now. */
export async function principalOf(registry: Registry, key: ApiKey): Promise<Principal> {
  return {
    keyId: key.id,
    name: key.name,
    role: key.role,
    facilities: await reachOf(registry, key),
    organisationId: key.organisationId,
    expiresAt: key.expiresAt,
  }
}

export async function principalFor(registry: Registry, token: string | undefined): Promise<Principal> {
  if (token === undefined || token === '')
    throw unauthorized('sign in, or send an API key: Authorization: Bearer qk_…')
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

/** A request refreshes its session's idle time at most this often: not a registry write per request. */
const TOUCH_EVERY_MS = 60_000

/**
 * The principal of a signed-in session, read from the registry on every request, so that a person disabled or
 * signed out everywhere is refused at once: the session must exist, be neither idle too long nor past its
 * absolute expiry, its person not disabled and still holding the grant it acts under.
 */
export async function principalForSession(
  registry: Registry,
  sessionId: string,
  lifetime: SessionLifetime,
): Promise<Principal> {
  const idHash = digest(sessionId)
  const now = Date.now()
  const session = await registry.findSession(idHash)
  const user = session === undefined ? undefined : await registry.getUser(session.userId)
  const grant = user?.grants.find((candidate) => candidate.id === session?.grantId)
  if (
    session === undefined ||
    user === undefined ||
    grant === undefined ||
    user.disabledAt !== undefined ||
    !isSessionLive(session, lifetime, now)
  ) {
    throw unauthorized('signed out: the session ended, expired or its account was disabled; sign in again')
  }
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS) await registry.touchSession(idHash, now)
  return {
    keyId: `user:${user.id}`,
    userId: user.id,
    name: user.name,
    role: grant.role,
    facilities: await reachOf(registry, grant),
    organisationId: grant.organisationId,
    expiresAt: Math.min(session.expiresAt, session.lastSeenAt + lifetime.idleMs),
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined
}

const WRITES_SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Authentication and role checks for /api/v1: a bearer API key (`qk_{id}_{secret}`, stored as a SHA-256
 * digest) or a person's session cookie resolves to a principal; the route's `config.roles` says who may call
 * it. Facility scope is checked by each route (`reachableFacility`, `assertReachable` in access.ts), because
 * only the route knows which facility it touches. A request with both a key and a cookie is the key's.
 *
 * CSRF: a cookie-authenticated request that changes something must carry the session's token in
 * `X-CSRF-Token` (an HMAC of the session id, given by `GET /api/v1/session`): a page on another site can
 * make the browser send the cookie (were SameSite=Strict ever bypassed) but cannot read the token. Keys are
 * not sent by browsers on their own, so bearer requests need none.
 */
export default fp(
  async function auth(fastify: FastifyInstance, options: { sessions: SessionLifetime }) {
    fastify.decorateRequest('principal', null as unknown as Principal)
    fastify.decorateRequest('sessionId', undefined)
    fastify.decorate('authenticate', (token: string | undefined) => principalFor(fastify.registry, token))
    fastify.decorate('authenticateSession', (sessionId: string) =>
      principalForSession(fastify.registry, sessionId, options.sessions),
    )
    // Access is decided by the route that matched, never by how the URL is spelled: the router matches the
    // decoded path, so `/%61pi/v1/keys` is the keys route and gets its roles (a prefix test on request.url
    // let it through unauthenticated). A route without roles is public: onRoute below allows that only
    // outside /api/.
    fastify.addHook('onRequest', async function authenticateRequest(request) {
      const roles = request.routeOptions.config.roles
      if (roles === undefined) return
      const token = bearer(request)
      const sessionId = request.cookies[SESSION_COOKIE]
      if (token === undefined && sessionId !== undefined && sessionId !== '') {
        request.principal = await fastify.authenticateSession(sessionId)
        request.sessionId = sessionId
        if (!WRITES_SAFE.has(request.method) && !isCsrfTokenOf(sessionId, csrfHeader(request))) {
          throw new HttpError(
            403,
            'X-CSRF-Token is missing or wrong: a signed-in request that changes something sends the csrfToken of GET /api/v1/session',
          )
        }
      } else request.principal = await fastify.authenticate(token)
      if (!roles.includes(request.principal.role)) {
        throw new HttpError(
          403,
          `the ${request.principal.role} role may not ${request.method} ${request.routeOptions.url}`,
        )
      }
    })
    fastify.addHook('onRoute', function requireRoles(route) {
      if (route.config?.signIn === true) return
      if (route.url.toLowerCase().startsWith('/api/') && route.config?.roles === undefined) {
        throw new Error(`route ${route.method} ${route.url} declares no roles`)
      }
    })
  },
  { name: 'auth', dependencies: ['services', 'cookie'] },
)

function csrfHeader(request: FastifyRequest): string | undefined {
  const value = request.headers[CSRF_HEADER]
  return typeof value === 'string' ? value : undefined
}
