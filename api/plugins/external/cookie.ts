import cookie from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** @fastify/cookie: parses `Cookie` into `request.cookies` and adds `reply.setCookie` (sessions, plugins/app/auth.ts). */
export default fp(
  async function cookies(fastify: FastifyInstance) {
    await fastify.register(cookie)
  },
  { name: 'cookie' },
)
