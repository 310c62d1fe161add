import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { addressKey } from '../../../../../core/login-throttle.ts'
import { createRateLimiter } from '../../../../../core/rate-limit.ts'
import { userChangeTopic } from '../../../../../core/topics.ts'
import {
  hashPassword,
  issueAccountToken,
  normaliseEmail,
  PASSWORD_LENGTH,
} from '../../../../../registry/accounts.ts'
import { digest } from '../../../../../registry/credentials.ts'
import { ACCOUNT_TOKEN_PURPOSES, type User } from '../../../../../registry/types.ts'
import { accountMail, assertMailSetUp } from '../../../../account-mail.ts'
import type { AccountSettings } from '../../../../config.ts'
import { HttpError } from '../../../../http-errors.ts'
import { errorSchema } from '../../../../schemas/common.ts'
import { languageSchema } from '../../../../schemas/user.ts'

/** Reset mails one e-mail may be sent in an hour, however many addresses ask: no mail-bombing a person. */
export const RESETS_PER_EMAIL_PER_HOUR = 3

/** An account link's token: 256 bits in base64url, as registry/accounts.ts makes them. */
export const accountTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'token: the 43 characters after #token= in the e-mailed link')

const ACCEPTED =
  'if an account has this e-mail, a link to set a new password is on its way; it works once and expires'

/** Whom the audit trail names for a change made through one of the person's own links. */
export function personActor(user: User) {
  return { keyId: `user:${user.id}`, name: user.name, role: user.grants[0]?.role ?? ('officer' as const) }
}

const passwordResetRoutes: FastifyPluginAsyncZod<AccountSettings> = async (fastify, options) => {
  const perAddress = createRateLimiter({
    ratePerSecond: options.mailsPerAddressPerHour / 3600,
    burst: options.mailsPerAddressPerHour,
  })
  const perEmail = createRateLimiter({
    ratePerSecond: RESETS_PER_EMAIL_PER_HOUR / 3600,
    burst: RESETS_PER_EMAIL_PER_HOUR,
  })
  const setsPerAddress = createRateLimiter({
    ratePerSecond: options.linkTriesPerAddressPerMinute / 60,
    burst: options.linkTriesPerAddressPerMinute,
  })

  fastify.post(
    '/',
    {
      config: { signIn: true, audit: 'user.password-reset-request' },
      schema: {
        tags: ['session'],
        summary: 'Forgot the password: e-mails a single-use link to set a new one (anyone may ask)',
        description:
          'The same answer whether or not an account has the e-mail, and it never waits for the mail. ' +
          `At most ${RESETS_PER_EMAIL_PER_HOUR} mails an hour to one e-mail, and QUANTRAC_ACCOUNT_MAILS_PER_ADDRESS from one address: then 429.`,
        body: z.strictObject({ email: z.string().trim().min(3).max(254), language: languageSchema }),
        response: {
          202: z.object({ message: z.string() }),
          400: errorSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      assertMailSetUp(options)
      const email = normaliseEmail(request.body.email)
      const now = Date.now()
      if (!perAddress.take(addressKey(request.ip), now) || !perEmail.take(email, now)) {
        reply.header('retry-after', '3600')
        throw new HttpError(429, 'too many password resets asked for: try again in an hour')
      }
      const user = await fastify.registry.findUserByEmail(email)
      if (user === undefined || user.disabledAt !== undefined) {
        request.changedNothing()
        return reply.code(202).send({ message: ACCEPTED })
      }
      const expiresAt = now + options.resetTtlMs
      const token = await issueAccountToken(fastify.registry, {
        purpose: 'password-reset',
        userId: user.id,
        createdAt: now,
        expiresAt,
      })
      const link = `${fastify.accountMail.publicUrl()}/password.html#token=${token}`
      fastify.accountMail.send(
        user.email,
        accountMail({ purpose: 'password-reset', name: user.name, link, expiresAt }, request.body.language),
      )
      const { passwordHash: _, ...person } = user
      await request.recordChange(
        { target: { type: 'user', id: user.id }, after: { expiresAt } },
        personActor(person),
      )
      return reply.code(202).send({ message: ACCEPTED })
    },
  )

  fastify.post(
    '/redeem',
    {
      config: { signIn: true, audit: 'user.password-set' },
      schema: {
        tags: ['session'],
        summary: 'Set a password with the token of an e-mailed link (a password reset or an invitation)',
        description:
          'Ends every session of the person and their live connections. 404: no such link (mistyped or ' +
          'forged); 410: used already, or expired; 403: the account is disabled.',
        body: z.strictObject({
          token: accountTokenSchema,
          password: z
            .string()
            .min(PASSWORD_LENGTH.min, `password: at least ${PASSWORD_LENGTH.min} characters`)
            .max(PASSWORD_LENGTH.max),
        }),
        response: {
          200: z.object({ email: z.string(), purpose: z.enum(ACCOUNT_TOKEN_PURPOSES) }),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          410: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request) => {
      if (!setsPerAddress.take(addressKey(request.ip), Date.now())) {
        throw new HttpError(429, 'too many attempts from this address: try again in a minute')
      }
      const outcome = await fastify.registry.redeemAccountToken(
        digest(request.body.token),
        Date.now(),
        await hashPassword(request.body.password),
      )
      if ('refused' in outcome) {
        const refusals = {
          unknown: [404, 'token: this link is not valid; ask for a new one'],
          used: [410, 'token: this link was used already; ask for a new one'],
          expired: [410, 'token: this link expired; ask for a new one'],
          disabled: [403, 'this account is disabled'],
        } as const
        const [status, message] = refusals[outcome.refused]
        throw new HttpError(status, message)
      }
      const { user, purpose } = outcome
      await request.recordChange(
        { target: { type: 'user', id: user.id }, after: { purpose, sessionsEnded: true } },
        personActor(user),
      )
      await fastify.broker.publish(userChangeTopic(user.id), '')
      return { email: user.email, purpose }
    },
  )
}

export default passwordResetRoutes
