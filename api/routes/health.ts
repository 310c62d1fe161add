import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'

/** The spool of an ingest running in this process (`quantrac start`): what waits for the store; none while it is stopped. */
export type SpoolBacklogProbe = () =>
  | { items: number; bytes: number; maxBytes: number; oldestAt?: number }
  | undefined

export interface HealthOptions {
  /** Absent when ingest runs in another process: its spool is then its own (`/metrics` there). */
  spoolBacklog?: SpoolBacklogProbe
}

const partSchema = z.object({
  status: z.enum(['ok', 'down']),
  detail: z.string().optional().describe('Why a part is down'),
})

const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']).describe('ok when every part is; the answer is then 200, else 503'),
  store: z.enum(['influxdb', 'sqlite']),
  liveFeed: z.boolean(),
  parts: z.object({
    store: partSchema.extend({ kind: z.enum(['influxdb', 'sqlite']) }),
    broker: partSchema.describe(
      "The API's connection to the MQTT broker (live feed, registry announcements)",
    ),
    spool: partSchema
      .extend({
        items: z.number().int(),
        bytes: z.number().int(),
        maxBytes: z.number().int(),
        oldestAgeSeconds: z.number().optional(),
      })
      .optional()
      .describe('Readings waiting for the store; only where ingest runs in the same process'),
  }),
})

const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (fastify, options) => {
  fastify.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary:
          'Health of each part: the store, the broker link and, with ingest in this process, its spool',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const store = await fastify.store.ping().then(
        () => ({ status: 'ok' as const, kind: fastify.store.kind }),
        (err: Error) => {
          // /health needs no key: the store's address and error stay in the log.
          fastify.log.warn({ err }, 'health: the time-series store does not answer')
          return {
            status: 'down' as const,
            kind: fastify.store.kind,
            detail: 'the time-series store does not answer',
          }
        },
      )
      const connected = fastify.liveRelayConnected()
      const broker = connected
        ? { status: 'ok' as const }
        : { status: 'down' as const, detail: 'not connected to the MQTT broker; reconnecting' }
      const backlog = options.spoolBacklog?.()
      const spool = backlog && {
        status: backlog.bytes < backlog.maxBytes ? ('ok' as const) : ('down' as const),
        detail:
          backlog.bytes < backlog.maxBytes ? undefined : 'the spool is full: ingest stops acknowledging',
        items: backlog.items,
        bytes: backlog.bytes,
        maxBytes: backlog.maxBytes,
        oldestAgeSeconds: backlog.oldestAt === undefined ? undefined : (Date.now() - backlog.oldestAt) / 1000,
      }
      const up = [store, broker, spool].every((part) => part === undefined || part.status === 'ok')
      return reply.code(up ? 200 : 503).send({
        status: up ? 'ok' : 'unavailable',
        store: fastify.store.kind,
        liveFeed: connected,
        parts: { store, broker, spool },
      })
    },
  )
}

export default healthRoutes
