import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { issueApiKey } from '../../../../../registry/api-keys.ts'
import { type ApiKey, ROLES } from '../../../../../registry/types.ts'
import { ADMINS } from '../../../../access.ts'
import { notFound } from '../../../../http-errors.ts'
import { errorSchema, isoTime, pageQuerySchema, pageSchema } from '../common-schemas.ts'

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  organisationId: z.string().optional(),
  facilityId: z.string().optional(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().optional(),
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
  return { ...key, createdAt: isoTime(key.createdAt)!, revokedAt: isoTime(key.revokedAt) }
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
      config: { roles: ADMINS },
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
      return reply.code(201).send({ key: keyResponse(key), token })
    },
  )

  fastify.delete(
    '/:keyId',
    {
      config: { roles: ADMINS },
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key: it stops working at once',
        params: z.object({ keyId: z.string().max(64) }),
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await fastify.registry.revokeApiKey(request.params.keyId))) {
        throw notFound(`no active key ${request.params.keyId}`)
      }
      return reply.code(204).send(null)
    },
  )
}

export default keyRoutes
