import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { addressKey, createLoginThrottle } from '../../../../../core/login-throttle.ts'
import { userChangeTopic } from '../../../../../core/topics.ts'
import {
  checkPassword,
  csrfTokenOf,
  normaliseEmail,
  PASSWORD_LENGTH,
  type SessionLifetime,
  startSession,
} from '../../../../../registry/accounts.ts'
import { digest } from '../../../../../registry/credentials.ts'
import { recoveryCodeDigest, totpStep } from '../../../../../registry/second-factor.ts'
import { ROLES } from '../../../../../registry/types.ts'
import { READERS } from '../../../../access.ts'
import { HttpError } from '../../../../http-errors.ts'
import { SESSION_COOKIE } from '../../../../plugins/app/auth.ts'
import { errorSchema, isoTime } from '../../../../schemas/common.ts'
import { grantSchema } from '../../../../schemas/user.ts'

export interface SessionRouteOptions extends SessionLifetime {
  trustProxy: boolean
}

/**
 * Failed sign-ins allowed before the throttle refuses unchecked: 5 per e-mail and 20 per address in 15
 * minutes, a token coming back every 3 minutes (e-mail) and 45 s (address) — the broker's throttle, with
 * OWASP's advice against locking accounts out for good (an attacker could lock anyone out).
 */
export const SIGN_IN_THROTTLE = { failuresPerAddress: 20, failuresPerUsername: 5, windowMs: 15 * 60_000 }

/** What sign-in answers (401) a person whose second factor is in force, without a code or with a wrong one. */
export const SECOND_FACTOR_REQUIRED =
  'second factor: send the code of your authenticator app (or a recovery code)'
export const SECOND_FACTOR_WRONG = 'second factor: wrong code, or a recovery code used already'

const signInSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .min(3)
    .max(254)
    .describe('as registered; case and surrounding spaces do not matter'),
  password: z.string().min(1).max(PASSWORD_LENGTH.max),
  grant: z
    .string()
    .max(64)
    .optional()
    .describe("which of the person's grants to act under; the first by default"),
  code: z
    .string()
    .trim()
    .max(10)
    .optional()
    .describe('the 6-digit code of the authenticator app, for a person whose second factor is in force'),
  recoveryCode: z
    .string()
    .trim()
    .max(40)
    .optional()
    .describe('instead of code: one of the recovery codes, once'),
})

const sessionSchema = z.object({
  kind: z.enum(['session', 'key']).describe('how this request was authenticated'),
  name: z.string(),
  role: z.enum(ROLES),
  facilities: z.union([z.literal('all'), z.array(z.string())]).describe('what the caller reaches now'),
  organisationId: z.string().optional(),
  expiresAt: z.iso.datetime().optional(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }).optional(),
  grant: z.string().optional().describe('the grant the session acts under'),
  grants: z.array(grantSchema).optional().describe("the person's grants"),
  secondFactor: z
    .enum(['none', 'enrolled', 'in-force'])
    .optional()
    .describe("the person's TOTP: none, enrolled but not confirmed, or asked for at every sign-in"),
  csrfToken: z
    .string()
    .optional()
    .describe('send it as X-CSRF-Token on every request of this session that changes something'),
})

const sessionRoutes: FastifyPluginAsyncZod<SessionRouteOptions> = async (fastify, options) => {
  const throttle = createLoginThrottle(SIGN_IN_THROTTLE)

  function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string) {
    reply.setCookie(SESSION_COOKIE, sessionId, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: isHttps(request),
      maxAge: Math.floor(options.absoluteMs / 1000),
    })
  }

  function isHttps(request: FastifyRequest): boolean {
    if (request.protocol === 'https') return true
    return options.trustProxy && request.headers['x-forwarded-proto'] === 'https'
  }

  async function describe(request: FastifyRequest) {
    const { principal, sessionId } = request
    const base = {
      name: principal.name,
      role: principal.role,
      facilities: principal.facilities === 'all' ? ('all' as const) : [...principal.facilities],
      organisationId: principal.organisationId,
      expiresAt: isoTime(principal.expiresAt),
    }
    if (sessionId === undefined || principal.userId === undefined) return { kind: 'key' as const, ...base }
    const user = (await fastify.registry.getUser(principal.userId))!
    const session = await fastify.registry.findSession(digest(sessionId))
    const totp = await fastify.registry.getTotp(user.id)
    return {
      kind: 'session' as const,
      ...base,
      user: { id: user.id, email: user.email, name: user.name },
      grant: session?.grantId,
      grants: user.grants,
      secondFactor:
        totp === undefined
          ? ('none' as const)
          : totp.confirmedAt === undefined
            ? ('enrolled' as const)
            : ('in-force' as const),
      csrfToken: csrfTokenOf(sessionId),
    }
  }

  /** Whether the person's second factor, if in force, is satisfied by the code or recovery code given. */
  async function secondFactor(
    userId: string,
    given: { code?: string; recoveryCode?: string },
  ): Promise<'none' | 'passed' | 'missing' | 'wrong'> {
    const totp = await fastify.registry.getTotp(userId)
    if (totp?.confirmedAt === undefined) return 'none'
    if (given.code !== undefined && given.code !== '') {
      const step = await totpStep(totp.secret, given.code, Date.now(), totp.lastStep)
      return step !== undefined && (await fastify.registry.useTotpStep(userId, step)) ? 'passed' : 'wrong'
    }
    if (given.recoveryCode !== undefined && given.recoveryCode !== '') {
      const used = await fastify.registry.useRecoveryCode(
        userId,
        recoveryCodeDigest(given.recoveryCode),
        Date.now(),
      )
      return used ? 'passed' : 'wrong'
    }
    return 'missing'
  }

  fastify.post(
    '/',
    {
      config: { signIn: true, audit: 'user.sign-in' },
      schema: {
        tags: ['session'],
        summary: 'Sign in with e-mail and password: sets the HttpOnly session cookie',
        body: signInSchema,
        response: { 200: sessionSchema, 400: errorSchema, 401: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const email = normaliseEmail(request.body.email)
      const attempt = await throttle.admit(addressKey(request.ip), email)
      if (typeof attempt === 'string') {
        reply.header('retry-after', '180')
        throw new HttpError(
          429,
          attempt === 'address'
            ? 'too many failed sign-ins from this address: try again in a few minutes'
            : 'too many failed sign-ins for this e-mail: try again in a few minutes',
        )
      }
      let user: Awaited<ReturnType<typeof checkPassword>>
      try {
        user = await checkPassword(fastify.registry, email, request.body.password)
      } catch (err) {
        attempt.undecided()
        throw err
      }
      if (user === undefined) {
        attempt.failed()
        // Never the password, never whether the e-mail exists.
        request.log.warn({ email }, 'sign-in refused: wrong e-mail or password')
        throw new HttpError(401, 'wrong e-mail or password')
      }
      const second = await secondFactor(user.id, request.body)
      if (second === 'missing') {
        // The password was right: neither a failed guess nor yet a success (which would trust this address).
        attempt.undecided()
        throw new HttpError(401, SECOND_FACTOR_REQUIRED)
      }
      if (second === 'wrong') {
        attempt.failed()
        request.log.warn({ email }, 'sign-in refused: wrong second factor')
        throw new HttpError(401, SECOND_FACTOR_WRONG)
      }
      attempt.succeeded()
      if (user.disabledAt !== undefined) throw new HttpError(401, 'this account is disabled')
      const grant =
        request.body.grant === undefined
          ? user.grants[0]
          : user.grants.find((candidate) => candidate.id === request.body.grant)
      if (grant === undefined) {
        throw new HttpError(
          400,
          request.body.grant === undefined ? 'this account holds no grant yet' : 'grant: not one of yours',
        )
      }
      const sessionId = await startSession(fastify.registry, user.id, grant.id, options, Date.now())
      setSessionCookie(request, reply, sessionId)
      request.principal = await fastify.authenticateSession(sessionId)
      request.sessionId = sessionId
      await request.recordChange({ target: { type: 'user', id: user.id }, after: { grant: grant.id } })
      return describe(request)
    },
  )

  fastify.get(
    '/',
    {
      config: { roles: READERS },
      schema: {
        tags: ['session'],
        summary: 'Who am I: the session (or key) this request runs as, its grants and its CSRF token',
        response: { 200: sessionSchema },
      },
    },
    async (request) => describe(request),
  )

  fastify.delete(
    '/',
    {
      config: { roles: READERS, audit: 'user.sign-out' },
      schema: {
        tags: ['session'],
        summary: 'Sign out: ends this session and its live connections',
        response: { 204: z.null(), 400: errorSchema },
      },
    },
    async (request, reply) => {
      const { sessionId, principal } = request
      if (sessionId === undefined || principal.userId === undefined) {
        throw new HttpError(400, 'this request carries an API key, not a session: there is no session to end')
      }
      await fastify.registry.deleteSession(digest(sessionId))
      await request.recordChange({ target: { type: 'user', id: principal.userId } })
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      await fastify.broker.publish(userChangeTopic(principal.userId), '')
      return reply.code(204).send(null)
    },
  )
}

export default sessionRoutes
