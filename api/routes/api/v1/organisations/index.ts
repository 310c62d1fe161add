import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ORGANISATION_KINDS } from '../../../../../registry/types.ts'
import { ADMINS } from '../../../../access.ts'
import { notFound } from '../../../../http-errors.ts'
import { errorSchema, idSchema, pageQuerySchema, pageSchema } from '../../../../schemas/common.ts'

const organisationSchema = z.object({
  id: idSchema,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ORGANISATION_KINDS).describe('owner of facilities, monitoring contractor, or authority'),
})

const organisationRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      config: { roles: ADMINS },
      schema: {
        tags: ['organisations'],
        summary: 'List organisations',
        querystring: pageQuerySchema,
        response: { 200: pageSchema(organisationSchema) },
      },
    },
    async (request) => fastify.registry.listOrganisations(request.query),
  )

  fastify.post(
    '/',
    {
      config: { roles: ADMINS, audit: 'organisation.register' },
      schema: {
        tags: ['organisations'],
        summary: 'Register a facility owner, monitoring contractor or authority',
        body: organisationSchema,
        response: { 201: organisationSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      await fastify.registry.createOrganisation(request.body)
      await request.recordChange({
        target: { type: 'organisation', id: request.body.id },
        after: request.body,
      })
      return reply.code(201).send(request.body)
    },
  )

  fastify.get(
    '/:organisationId',
    {
      config: { roles: ADMINS },
      schema: {
        tags: ['organisations'],
        summary: 'One organisation',
        params: z.object({ organisationId: idSchema }),
        response: { 200: organisationSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const organisation = await fastify.registry.getOrganisation(request.params.organisationId)
      if (organisation === undefined) throw notFound(`no organisation ${request.params.organisationId}`)
      return organisation
    },
  )
}

export default organisationRoutes
