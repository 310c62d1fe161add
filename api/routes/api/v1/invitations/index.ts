import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { issueAccountToken, normaliseEmail, unusablePasswordHash } from '../../../../../registry/accounts.ts'
import { ROLES } from '../../../../../registry/types.ts'
import { ADMINS } from '../../../../access.ts'
import { accountMail, assertMailSetUp } from '../../../../account-mail.ts'
import type { AccountSettings } from '../../../../config.ts'
import { errorSchema, idSchema, isoTime } from '../../../../schemas/common.ts'
import { languageSchema, userResponse, userSchema } from '../../../../schemas/user.ts'

const grantInputSchema = z
  .strictObject({
    role: z.enum(ROLES),
    organisationId: idSchema.optional().describe('contractors: the organisation whose facilities it reaches'),
    facilityId: idSchema.optional().describe('officers: their facility'),
  })
  .superRefine((grant, context) => {
    if (grant.role === 'contractor' && grant.organisationId === undefined)
      context.addIssue({
        code: 'custom',
        path: ['organisationId'],
        message: 'a contractor needs organisationId',
      })
    if (grant.role === 'officer' && grant.facilityId === undefined)
      context.addIssue({ code: 'custom', path: ['facilityId'], message: 'an officer needs facilityId' })
    if (grant.role !== 'contractor' && grant.organisationId !== undefined)
      context.addIssue({ code: 'custom', path: ['organisationId'], message: 'only a contractor has one' })
    if (grant.role !== 'officer' && grant.facilityId !== undefined)
      context.addIssue({ code: 'custom', path: ['facilityId'], message: 'only an officer has one' })
  })

const ROLE_NAMES = {
  vi: {
    admin: 'quản trị',
    regulator: 'cơ quan quản lý',
    contractor: 'đơn vị quan trắc',
    officer: 'cán bộ an toàn',
  },
  en: { admin: 'admin', regulator: 'regulator', contractor: 'contractor', officer: 'safety officer' },
} as const

/**
 * Invitations (#18): an admin registers a person with a grant and e-mails them a single-use link to choose
 * their password. Admins only: the grant model has no owner role whose users could invite their facility's
 * officers (README "Accounts").
 */
const invitationRoutes: FastifyPluginAsyncZod<AccountSettings> = async (fastify, options) => {
  fastify.post(
    '/',
    {
      config: { roles: ADMINS, audit: 'user.invite' },
      schema: {
        tags: ['users'],
        summary: 'Invite a person by e-mail with one grant: they choose their password from the link',
        body: z.strictObject({
          email: z.email().max(254),
          name: z.string().trim().min(1).max(100),
          grant: grantInputSchema,
          language: languageSchema,
        }),
        response: {
          201: z.object({ user: userSchema, expiresAt: z.iso.datetime() }),
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      assertMailSetUp(options)
      const { email, name, grant, language } = request.body
      const user = await fastify.registry.createUser(
        {
          id: randomBytes(6).toString('hex'),
          email: normaliseEmail(email),
          name,
          grants: [{ ...grant, id: randomBytes(6).toString('hex') }],
        },
        await unusablePasswordHash(),
      )
      const now = Date.now()
      const expiresAt = now + options.invitationTtlMs
      const token = await issueAccountToken(fastify.registry, {
        purpose: 'invitation',
        userId: user.id,
        createdAt: now,
        expiresAt,
      })
      const link = `${fastify.accountMail.publicUrl()}/password.html#token=${token}`
      fastify.accountMail.send(
        user.email,
        accountMail(
          {
            purpose: 'invitation',
            name,
            link,
            expiresAt,
            invitedBy: request.principal.name,
            role: ROLE_NAMES[language][grant.role],
          },
          language,
        ),
      )
      await request.recordChange({
        target: { type: 'user', id: user.id },
        facilityId: grant.facilityId,
        after: userResponse(user),
      })
      return reply.code(201).send({ user: userResponse(user), expiresAt: isoTime(expiresAt)! })
    },
  )
}

export default invitationRoutes
