import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AuditAction, AuditActor, AuditRecord } from '../../../registry/types.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What the route changes, as the audit trail names it. Every /api/v1 route that is not a GET must say
     * (onRoute below), and a successful answer of such a route must have recorded it (onSend below).
     */
    audit?: AuditAction
  }
  interface FastifyRequest {
    /**
     * Records one change this request made, after making it: once for each thing changed. `actor` names the
     * person a route without credentials acted for (a password reset is the person's, whoever asked).
     */
    recordChange(change: Omit<AuditRecord, 'at' | 'actor' | 'action'>, actor?: AuditActor): Promise<void>
    /**
     * Says a write route changed nothing and has nothing to record: a password reset for an e-mail nobody
     * has answers exactly as one for a person, and leaves no trace either.
     */
    changedNothing(): void
    /**
     * The caller as the audit trail names it, for a registry call that records its own audit entry in the
     * transaction of its change (the alert register's acknowledge and resolve). Counts as recorded.
     */
    actingAs(): AuditActor
  }
}

const recorded = new WeakSet<FastifyRequest>()

function actorOf(request: FastifyRequest): AuditActor {
  const { keyId, name, role } = request.principal
  return { keyId, name, role }
}

/**
 * The audit trail of /api/v1: who (the API key's id, name and role), when, what, before and after, for
 * every change a person or key makes. A write route cannot forget it: without `config.audit` it does not
 * register, and a 2xx answer from one that recorded nothing becomes a 500 (the change is made, but the
 * failure is loud at the route's first test).
 */
export default fp(
  async function audit(fastify: FastifyInstance) {
    fastify.decorateRequest(
      'recordChange',
      async function recordChange(this: FastifyRequest, change, actor?: AuditActor) {
        const action = this.routeOptions.config.audit
        if (action === undefined)
          throw new Error(`${this.routeOptions.url} records a change but names no audit action`)
        await fastify.registry.recordAudit({
          ...change,
          at: Date.now(),
          actor: actor ?? actorOf(this),
          action,
        })
        recorded.add(this)
      },
    )
    fastify.decorateRequest('changedNothing', function changedNothing(this: FastifyRequest) {
      recorded.add(this)
    })
    fastify.decorateRequest('actingAs', function actingAs(this: FastifyRequest) {
      recorded.add(this)
      return actorOf(this)
    })

    fastify.addHook('onRoute', function requireAudit(route) {
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      const writes = methods.some((method) => method !== 'GET' && method !== 'HEAD')
      if (writes && route.url.toLowerCase().startsWith('/api/') && route.config?.audit === undefined) {
        throw new Error(
          `route ${methods.join(',')} ${route.url} changes something and declares no audit action`,
        )
      }
    })

    fastify.addHook('onSend', async function checkRecorded(request, reply) {
      if (request.routeOptions.config.audit === undefined || reply.statusCode >= 300) return
      if (recorded.has(request)) return
      throw new Error(
        `${request.method} ${request.routeOptions.url} answered ${reply.statusCode} without recording its change in the audit trail`,
      )
    })
  },
  { name: 'audit', dependencies: ['services', 'auth'] },
)
