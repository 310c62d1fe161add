import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { keyChangeTopic } from '../../../../../core/topics.ts'
import { issueApiKey } from '../../../../../registry/api-keys.ts'
import { type ApiKey, ROLES } from '../../../../../registry/types.ts'
import { type Principal, READERS } from '../../../../access.ts'
import { HttpError, notFound } from '../../../../http-errors.ts'
import {
  errorSchema,
  instantSchema,
  isoTime,
  pageQuerySchema,
  pageSchema,
} from '../../../../schemas/common.ts'

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  organisationId: z.string().optional(),
  facilityId: z.string().optional(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().optional(),
  expiresAt: z.iso.datetime().optional(),
  ownerUserId: z.string().optional().describe('the person who made it for their own use'),
})

const keyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100).describe('Whose key: a person or a system'),
    role: z.enum(ROLES),
    organisationId: z
      .string()
      .optional()
      .describe('Required for contractor keys: the contractor organisation'),
    facilityId: z.string().optional().describe('Required for officer keys: their facility'),
    expiresAt: instantSchema
      .refine((time) => time > Date.now(), 'a key expires in the future')
      .optional()
      .describe('From then on the key is refused like a revoked one; omitted: it never expires'),
  })
  .refine((key) => key.role !== 'contractor' || key.organisationId !== undefined, {
    message: 'a contractor key needs organisationId',
    path: ['organisationId'],
  })
  .refine((key) => key.role !== 'officer' || key.facilityId !== undefined, {
    message: 'an officer key needs facilityId',
    path: ['facilityId'],
  })

function keyResponse(key: ApiKey) {
  return {
    ...key,
    createdAt: isoTime(key.createdAt)!,
    revokedAt: isoTime(key.revokedAt),
    expiresAt: isoTime(key.expiresAt),
  }
}

/**
 * Who may manage keys: an admin every key; a person signed in who is not an admin their own keys, of the
 * grant their session acts under and no more; a key that is not an admin's none (a script does not mint
 * scripts). Returns the person whose own keys are concerned, or undefined for an admin.
 */
function keyManager(principal: Principal): { ownerUserId: string } | undefined {
  if (principal.role === 'admin') return undefined
  if (principal.userId === undefined) {
    throw new HttpError(
      403,
      'keys are managed by admins, and by people signed in for their own use: not by a key',
    )
  }
  return { ownerUserId: principal.userId }
}

/** A person's own key may do what their session's grant does, exactly. */
function assertOwnGrant(principal: Principal, key: z.infer<typeof keyInputSchema>): void {
  const reach = principal.facilities === 'all' ? [] : principal.facilities
  const same =
    key.role === principal.role &&
    key.organisationId === principal.organisationId &&
    (key.role !== 'officer' || (reach.length === 1 && key.facilityId === reach[0])) &&
    (key.role === 'officer' || key.facilityId === undefined)
  if (!same) {
    throw new HttpError(
      403,
      `a key of your own has your grant's role and reach: role ${principal.role}${
        principal.organisationId ? `, organisationId ${principal.organisationId}` : ''
      }${principal.role === 'officer' ? `, facilityId ${reach[0]}` : ''}`,
    )
  }
}

const keyRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      config: { roles: READERS },
      schema: {
        tags: ['keys'],
        summary: 'List API keys (never their secrets): every key for an admin, a person’s own for them',
        querystring: pageQuerySchema,
        response: { 200: pageSchema(apiKeySchema) },
      },
    },
    async (request) => {
      const page = await fastify.registry.listApiKeys(request.query, keyManager(request.principal))
      return { ...page, items: page.items.map(keyResponse) }
    },
  )

  fastify.post(
    '/',
    {
      config: { roles: READERS, audit: 'key.create' },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key; the token is shown this once',
        description:
          'An admin creates any key. A person signed in who is not an admin creates keys of their own, with ' +
          'exactly the role and reach of the grant their session acts under (403 otherwise); disabling the ' +
          'person revokes them.',
        body: keyInputSchema,
        response: {
          201: z.object({ key: apiKeySchema, token: z.string() }),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const own = keyManager(request.principal)
      if (own !== undefined) assertOwnGrant(request.principal, request.body)
      const { key, token } = await issueApiKey(fastify.registry, { ...request.body, ...own })
      await request.recordChange({ target: { type: 'key', id: key.id }, after: key })
      return reply.code(201).send({ key: keyResponse(key), token })
    },
  )

  fastify.delete(
    '/:keyId',
    {
      config: { roles: READERS, audit: 'key.revoke' },
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key: it stops working at once, and its open live connections are closed',
        params: z.object({
          keyId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a key id is 1–64 letters, digits or "-"'),
        }),
        response: { 204: z.null(), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { keyId } = request.params
      const own = keyManager(request.principal)
      if (own !== undefined && (await fastify.registry.findApiKey(keyId))?.ownerUserId !== own.ownerUserId) {
        throw new HttpError(403, `key ${keyId} is not one of yours`)
      }
      if (!(await fastify.registry.revokeApiKey(keyId))) throw notFound(`no active key ${keyId}`)
      const { secretHash: _, ...after } = (await fastify.registry.findApiKey(keyId))!
      const { revokedAt: __, ...before } = after
      await request.recordChange({ target: { type: 'key', id: keyId }, before, after })
      // Every API instance closes the key's open live sockets.
      await fastify.broker.publish(keyChangeTopic(keyId), '')
      return reply.code(204).send(null)
    },
  )
}

export default keyRoutes
