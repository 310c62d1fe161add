import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { keyChangeTopic, userChangeTopic } from '../../../../../core/topics.ts'
import { ADMINS, READERS } from '../../../../access.ts'
import { HttpError, notFound } from '../../../../http-errors.ts'
import { SESSION_COOKIE } from '../../../../plugins/app/auth.ts'
import { errorSchema, pageQuerySchema, pageSchema } from '../../../../schemas/common.ts'
import { userIdSchema, userResponse, userSchema } from '../../../../schemas/user.ts'

const params = z.object({ id: userIdSchema })

const userRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      config: { roles: ADMINS },
      schema: {
        tags: ['users'],
        summary: 'List the people who sign in, with their grants (never their passwords)',
        querystring: pageQuerySchema,
        response: { 200: pageSchema(userSchema) },
      },
    },
    async (request) => {
      const page = await fastify.registry.listUsers(request.query)
      return { ...page, items: page.items.map(userResponse) }
    },
  )

  fastify.delete(
    '/:id/sessions',
    {
      config: { roles: READERS, audit: 'user.sign-out-everywhere' },
      schema: {
        tags: ['users'],
        summary:
          'Sign a person out everywhere: every session and live connection ends (admin, or the person)',
        params,
        response: { 204: z.null(), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const { principal } = request
      if (principal.role !== 'admin' && principal.userId !== id) {
        throw new HttpError(403, 'only an admin or the person themself may sign a person out everywhere')
      }
      if ((await fastify.registry.getUser(id)) === undefined) throw notFound(`no user ${id}`)
      const ended = await fastify.registry.deleteUserSessions(id)
      await request.recordChange({ target: { type: 'user', id }, after: { sessionsEnded: ended } })
      if (principal.userId === id) reply.clearCookie(SESSION_COOKIE, { path: '/' })
      await fastify.broker.publish(userChangeTopic(id), '')
      return reply.code(204).send(null)
    },
  )

  fastify.post(
    '/:id/disable',
    {
      config: { roles: ADMINS, audit: 'user.disable' },
      schema: {
        tags: ['users'],
        summary:
          'Disable a person: they cannot sign in, their own keys are revoked, and their sessions and live connections end at once',
        params,
        response: { 200: userSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const { id } = request.params
      const before = await fastify.registry.getUser(id)
      if (before === undefined) throw notFound(`no user ${id}`)
      if (!(await fastify.registry.disableUser(id, Date.now()))) {
        throw new HttpError(409, `user ${id} is disabled already`)
      }
      const after = (await fastify.registry.getUser(id))!
      await request.recordChange({ target: { type: 'user', id }, before, after })
      await fastify.broker.publish(userChangeTopic(id), '')
      // Their own keys were revoked with them: every API instance closes those keys' sockets too.
      const owned = await fastify.registry.listApiKeys({ limit: 10_000, offset: 0 }, { ownerUserId: id })
      for (const key of owned.items) await fastify.broker.publish(keyChangeTopic(key.id), '')
      return userResponse(after)
    },
  )
}

export default userRoutes
