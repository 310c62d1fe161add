import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { toDataURL } from 'qrcode'
import { z } from 'zod'
import { createRateLimiter } from '../../../../../core/rate-limit.ts'
import {
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
  recoveryCodeDigest,
  totpStep,
} from '../../../../../registry/second-factor.ts'
import { ADMINS } from '../../../../access.ts'
import { HttpError } from '../../../../http-errors.ts'
import { errorSchema } from '../../../../schemas/common.ts'

/** Codes tried per person and minute, confirming and removing each: three of 10^6 are good at a time. */
const TRIES_PER_MINUTE = 10

const codeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'code: the 6 digits the authenticator app shows')

/**
 * A TOTP second factor (RFC 6238) for admins signed in as themselves (#18): enrol (the secret shown this
 * once, with its otpauth:// URI and a QR code of it), confirm with a code (then sign-in asks for one, and
 * 10 recovery codes are shown once), remove with a code or a recovery code.
 */
const secondFactorRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const limiter = () => createRateLimiter({ ratePerSecond: TRIES_PER_MINUTE / 60, burst: TRIES_PER_MINUTE })
  const tries = { confirm: limiter(), remove: limiter() }

  function person(request: FastifyRequest) {
    const { userId } = request.principal
    if (userId === undefined || request.sessionId === undefined) {
      throw new HttpError(
        400,
        'a second factor is a person’s: sign in with e-mail and password, not an API key',
      )
    }
    return userId
  }
  function admitTry(what: keyof typeof tries, userId: string) {
    if (!tries[what].take(userId, Date.now())) throw new HttpError(429, 'too many codes tried: wait a minute')
  }

  fastify.post(
    '/',
    {
      config: { roles: ADMINS, audit: 'user.totp-enrol' },
      schema: {
        tags: ['session'],
        summary: 'Enrol a TOTP second factor: the secret is shown this once, as text, URI and QR code',
        response: {
          201: z.object({
            secret: z.string().describe('base32, for typing into the app'),
            otpauthUri: z.string(),
            qrCode: z.string().describe('a data:image/png URL of the URI, for the app to scan'),
          }),
          400: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const userId = person(request)
      const user = (await fastify.registry.getUser(userId))!
      if ((await fastify.registry.getTotp(userId))?.confirmedAt !== undefined) {
        throw new HttpError(409, 'a second factor is in force already: remove it first, with a code')
      }
      const secret = newTotpSecret()
      await fastify.registry.setTotpSecret(userId, secret)
      await request.recordChange({
        target: { type: 'user', id: userId },
        after: { secondFactor: 'enrolled' },
      })
      const uri = otpauthUri(user.email, secret)
      return reply
        .code(201)
        .send({ secret, otpauthUri: uri, qrCode: await toDataURL(uri, { margin: 1, width: 240 }) })
    },
  )

  fastify.post(
    '/confirm',
    {
      config: { roles: ADMINS, audit: 'user.totp-confirm' },
      schema: {
        tags: ['session'],
        summary: 'Confirm the enrolled second factor with a code: from now on sign-in asks for one',
        body: z.strictObject({ code: codeSchema }),
        response: {
          200: z.object({ recoveryCodes: z.array(z.string()).describe('each good once; shown this once') }),
          400: errorSchema,
          409: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request) => {
      const userId = person(request)
      admitTry('confirm', userId)
      const totp = await fastify.registry.getTotp(userId)
      if (totp === undefined) throw new HttpError(400, 'no second factor is enrolled: enrol one first')
      if (totp.confirmedAt !== undefined) throw new HttpError(409, 'the second factor is in force already')
      const now = Date.now()
      const step = await totpStep(totp.secret, request.body.code, now)
      if (step === undefined)
        throw new HttpError(400, 'code: not the code of this secret now; check the phone’s clock')
      const recoveryCodes = newRecoveryCodes()
      await fastify.registry.confirmTotp(userId, now, step, recoveryCodes.map(recoveryCodeDigest))
      await request.recordChange({
        target: { type: 'user', id: userId },
        after: { secondFactor: 'in force' },
      })
      return { recoveryCodes }
    },
  )

  fastify.delete(
    '/',
    {
      config: { roles: ADMINS, audit: 'user.totp-remove' },
      schema: {
        tags: ['session'],
        summary: 'Remove the second factor, with a current code or a recovery code',
        body: z
          .strictObject({
            code: codeSchema.optional(),
            recoveryCode: z.string().trim().min(1).max(40).optional(),
          })
          .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), {
            message: 'code or recoveryCode: one of them',
          }),
        response: { 204: z.null(), 400: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const userId = person(request)
      admitTry('remove', userId)
      const totp = await fastify.registry.getTotp(userId)
      if (totp === undefined) throw new HttpError(400, 'no second factor is enrolled')
      const { code, recoveryCode } = request.body
      const passed =
        code !== undefined
          ? totp.confirmedAt === undefined ||
            (await totpStep(totp.secret, code, Date.now(), totp.lastStep)) !== undefined
          : await fastify.registry.useRecoveryCode(userId, recoveryCodeDigest(recoveryCode!), Date.now())
      if (!passed) throw new HttpError(400, 'code: wrong code, or a recovery code used already')
      await fastify.registry.setTotpSecret(userId, undefined)
      await request.recordChange({ target: { type: 'user', id: userId }, after: { secondFactor: 'removed' } })
      return reply.code(204).send(null)
    },
  )
}

export default secondFactorRoutes
