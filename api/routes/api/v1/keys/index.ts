import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { keyChangeTopic } from '../../../../../core/topics.ts'
import { issueApiKey } from '../../../../../registry/api-keys.ts'
import { type ApiKey, ROLES } from '../../../../../registry/types.ts'
import { ADMINS } from '../../../../access.ts'
import { notFound } from '../../../../http-errors.ts'
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

const keyRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      config: { roles: ADMINS },
      schema: {
        tags: ['keys'],
        summary: 'List API keys (never their secrets)',
        querystring: pageQuerySchema,
        response: { 200: pageSchema(apiKeySchema) },
      },
    },
    async (request) => {
      const page = await fastify.registry.listApiKeys(request.query)
      return { ...page, items: page.items.map(keyResponse) }
    },
  )

  fastify.post(
    '/',
    {
      config: { roles: ADMINS, audit: 'key.create' },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key; the token is shown this once',
        body: keyInputSchema,
        response: {
          201: z.object({ key: apiKeySchema, token: z.string() }),
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { key, token } = await issueApiKey(fastify.registry, request.body)
      await request.recordChange({ target: { type: 'key', id: key.id }, after: key })
      return reply.code(201).send({ key: keyResponse(key), token })
    },
  )

  fastify.delete(
    '/:keyId',
    {
      config: { roles: ADMINS, audit: 'key.revoke' },
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key: it stops working at once, and its open live connections are closed',
        params: z.object({
          keyId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a key id is 1–64 letters, digits or "-"'),
        }),
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { keyId } = request.params
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
