import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Sent with every answer, of fastify and of socket.io's HTTP transport alike. */
export const SECURITY_HEADERS = {
  // A browser must not guess a type other than the one declared (an uploaded CSV run as script).
  'x-content-type-options': 'nosniff',
  // Page URLs can hold a key (`/#key=qk_…` is a fragment and never sent, but a query string would be).
  'referrer-policy': 'no-referrer',
} as const

export default fp(
  async function securityHeaders(fastify: FastifyInstance) {
    fastify.addHook('onSend', async function addSecurityHeaders(_request, reply) {
      reply.headers(SECURITY_HEADERS)
    })
    // socket.io answers its long-polling requests on the same server, outside fastify.
    fastify.io.engine.on('headers', (headers: Record<string, string>) => {
      Object.assign(headers, SECURITY_HEADERS)
    })
  },
  { name: 'security-headers', dependencies: ['socket-io'] },
)
