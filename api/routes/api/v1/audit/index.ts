import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  AUDIT_ACTIONS,
  AUDIT_TARGETS,
  type AuditEntry,
  type AuditQuery,
  ROLES,
  type Role,
} from '../../../../../registry/types.ts'
import { reachableFacility, scopeOf } from '../../../../access.ts'
import { everyPage, sendCsv, wantsCsv } from '../../../../csv-export.ts'
import {
  errorSchema,
  idSchema,
  instantSchema,
  isoTime,
  pageQuerySchema,
  pageSchema,
} from '../../../../schemas/common.ts'

/**
 * Admins read everything; regulators the entries about facilities they reach, not those about keys and
 * organisations. Facility owners read theirs once they have accounts (a later issue).
 */
const AUDIT_READERS: readonly Role[] = ['admin', 'regulator']

const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  actor: z.object({
    keyId: z.string().optional().describe('absent for the command line, which has no key'),
    name: z.string(),
    role: z.enum(ROLES),
  }),
  action: z.enum(AUDIT_ACTIONS),
  facilityId: z.string().optional(),
  target: z.object({ type: z.enum(AUDIT_TARGETS), id: z.string() }),
  before: z
    .unknown()
    .optional()
    .describe('the thing before the change, as the registry holds it (times in epoch ms)'),
  after: z.unknown().optional(),
})

const auditQuerySchema = z
  .strictObject({
    ...pageQuerySchema.shape,
    facility: idSchema.optional(),
    actor: z.string().min(1).max(64).optional().describe('the id of the key that made the change'),
    action: z.enum(AUDIT_ACTIONS).optional(),
    from: instantSchema.optional().describe('from this time (ISO-8601 or epoch ms)'),
    to: instantSchema.optional().describe('until this time, exclusive'),
    format: z.enum(['json', 'csv']).optional().describe('csv: every matching entry, without paging'),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, {
    message: '`from` must be before `to`',
    path: ['from'],
  })

const CSV_COLUMNS = [
  'id',
  'at',
  'actor_key_id',
  'actor_name',
  'actor_role',
  'action',
  'facility',
  'target_type',
  'target_id',
  'before',
  'after',
] as const

function entryResponse(entry: AuditEntry) {
  return { ...entry, at: isoTime(entry.at)! }
}

function csvRow(entry: AuditEntry): (string | number | undefined)[] {
  const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value))
  return [
    entry.id,
    isoTime(entry.at),
    entry.actor.keyId,
    entry.actor.name,
    entry.actor.role,
    entry.action,
    entry.facilityId,
    entry.target.type,
    entry.target.id,
    json(entry.before),
    json(entry.after),
  ]
}

const auditRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      config: { roles: AUDIT_READERS },
      schema: {
        tags: ['audit'],
        summary:
          'Who changed what, when, with before and after; newest first. `format=csv` exports every match',
        querystring: auditQuerySchema,
        response: {
          200: pageSchema(auditEntrySchema).or(z.string().describe('text/csv')),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { facility, actor, action, from, to, format, limit, offset } = request.query
      if (facility !== undefined) await reachableFacility(fastify.registry, request.principal, facility)
      const query: Omit<AuditQuery, 'limit' | 'offset'> = {
        facilityIds: scopeOf(request.principal),
        facilityBound: request.principal.role !== 'admin',
        facilityId: facility,
        actorKeyId: actor,
        action,
        from,
        to,
      }
      if (wantsCsv(request, format)) {
        const entries = await everyPage((page) => fastify.registry.listAudit({ ...query, ...page }))
        return sendCsv(reply, `audit-${facility ?? 'all'}`, CSV_COLUMNS, entries.map(csvRow))
      }
      const page = await fastify.registry.listAudit({ ...query, limit, offset })
      return { ...page, items: page.items.map(entryResponse) }
    },
  )
}

export default auditRoutes
