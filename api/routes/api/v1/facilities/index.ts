import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { resolveProvince } from '../../../../../core/provinces/index.ts'
import { shiftsOfDay } from '../../../../../core/shifts.ts'
import { facilityChangeTopic } from '../../../../../core/topics.ts'
import type { Facility } from '../../../../../registry/types.ts'
import { ADMINS, MAINTAINERS, READERS, reachableFacility, scopeOf } from '../../../../access.ts'
import { parseCsv } from '../../../../csv.ts'
import { badRequest, notFound } from '../../../../http-errors.ts'
import { assertVariantOf, assertVariantsFitProfile } from '../../../../limit-variants.ts'
import { errorSchema, idSchema, isoTime, pageQuerySchema, pageSchema } from '../../../../schemas/common.ts'
import { provinceInputSchema } from '../../../../schemas/province.ts'
import { sensorResponse, sensorSchema } from '../../../../schemas/sensor.ts'
import {
  FACILITY_CSV_COLUMNS,
  facilityCsvRowSchema,
  facilityInputSchema,
  facilityPatchSchema,
  facilitySchema,
  facilityWriteSchema,
  zoneInputSchema,
  zonePatchSchema,
  zoneSchema,
} from './schema.ts'

const facilityParams = z.object({ facilityId: idSchema })
const zoneParams = facilityParams.extend({ zoneId: idSchema })

function facilityChange(facilityId: string, before?: Facility, after?: Facility) {
  return { facilityId, target: { type: 'facility' as const, id: facilityId }, before, after }
}
const MAX_CSV_BYTES = 5 * 1024 * 1024

export function facilityResponse(facility: Facility): z.input<typeof facilitySchema> {
  return {
    ...facility,
    shiftsOfDay: shiftsOfDay(facility.shifts),
    registeredAt: isoTime(facility.registeredAt),
  }
}

/** What the registry will read into a province as given, when the caller should hear of it. */
function provinceNotes(given: string | undefined): string[] | undefined {
  const note = given === undefined ? undefined : resolveProvince(given)?.note
  return note === undefined ? undefined : [note]
}

const facilityRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: MAX_CSV_BYTES },
    (_request, body, done) => done(null, body),
  )

  // Who reaches a facility follows its contractors: every API instance checks its open live sockets again.
  async function announce(facilityId: string) {
    await fastify.broker.publish(facilityChangeTopic(facilityId), '')
  }

  fastify.get(
    '/',
    {
      config: { roles: READERS },
      schema: {
        tags: ['facilities'],
        summary: 'List the facilities this key reaches',
        querystring: pageQuerySchema.extend({
          province: provinceInputSchema.optional(),
          sector: z.string().max(100).optional(),
        }),
        response: { 200: pageSchema(facilitySchema), 400: errorSchema },
      },
    },
    async (request) => {
      const { province, ...query } = request.query
      const page = await fastify.registry.listFacilities({
        ...query,
        provinceCode: province === undefined ? undefined : resolveProvince(province)?.province.code,
        ids: scopeOf(request.principal),
      })
      return { ...page, items: page.items.map(facilityResponse) }
    },
  )

  fastify.post(
    '/',
    {
      config: { roles: ADMINS, audit: 'facility.register' },
      schema: {
        tags: ['facilities'],
        summary: 'Register a facility',
        body: facilityInputSchema,
        response: { 201: facilityWriteSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const facility = await fastify.registry.createFacility(request.body)
      await request.recordChange(facilityChange(facility.id, undefined, facility))
      await announce(facility.id)
      return reply
        .code(201)
        .send({ ...facilityResponse(facility), notes: provinceNotes(request.body.province) })
    },
  )

  fastify.post(
    '/import',
    {
      config: { roles: ADMINS, audit: 'facility.import' },
      schema: {
        tags: ['facilities'],
        summary: 'Create or update facilities from CSV (Content-Type: text/csv); all lines or none',
        description:
          `Header: ${FACILITY_CSV_COLUMNS.join(',')}. Lists in a cell (hazards, shifts, contractorIds) are separated by semicolons; ` +
          'shifts are local starts in increasing order (07:30;19:30), shiftsUtcOffset their offset (+07:00, the default). ' +
          'A province may be a unit before 2025-07-01: it is mapped to its current unit and listed in `mapped`.',
        body: z.string().max(MAX_CSV_BYTES),
        response: {
          200: z.object({
            imported: z.number().int(),
            mapped: z
              .array(
                z.object({
                  line: z.number().int(),
                  id: z.string(),
                  given: z.string(),
                  province: z.string(),
                  provinceCode: z.string(),
                  formerProvince: z.string().optional(),
                  note: z.string(),
                }),
              )
              .describe('Lines whose province was read as another name: an old unit mapped, say'),
          }),
          400: errorSchema,
        },
      },
    },
    async (request) => {
      let rows: string[][]
      try {
        rows = parseCsv(request.body)
      } catch (err) {
        throw badRequest(`CSV: ${(err as Error).message}`)
      }
      const [header, ...lines] = rows
      const unknown = (header ?? []).filter((column) => !FACILITY_CSV_COLUMNS.includes(column.trim()))
      if (header === undefined || unknown.length > 0 || !header.includes('id')) {
        throw badRequest(
          `CSV header must name columns among ${FACILITY_CSV_COLUMNS.join(', ')} (unknown: ${unknown.join(', ') || 'none'})`,
        )
      }
      const problems: string[] = []
      const facilities = lines.flatMap((fields, index) => {
        const record = Object.fromEntries(header.map((column, i) => [column.trim(), fields[i] ?? '']))
        const parsed = facilityCsvRowSchema.safeParse(record)
        if (parsed.success) return [parsed.data]
        const issue = parsed.error.issues[0]
        problems.push(`line ${index + 2}: ${issue?.path.join('.')}: ${issue?.message}`)
        return []
      })
      if (problems.length > 0) throw badRequest(`nothing imported: ${problems.slice(0, 20).join('; ')}`)
      // All lines or none: every existing facility's zones and sensors must fit its profile before any is written.
      for (const facility of facilities) {
        if ((await fastify.registry.getFacility(facility.id)) !== undefined) {
          await assertVariantsFitProfile(fastify.registry, facility.id, facility.profile)
        }
      }
      for (const facility of facilities) {
        const before = await fastify.registry.getFacility(facility.id)
        const after = await fastify.registry.upsertFacility(facility)
        await request.recordChange(facilityChange(facility.id, before, after))
      }
      for (const facility of facilities) await announce(facility.id)
      const mapped = facilities.flatMap((facility, index) => {
        const match = resolveProvince(facility.province)
        if (match?.note === undefined) return []
        return [
          {
            line: index + 2,
            id: facility.id,
            given: facility.province,
            province: match.province.name,
            provinceCode: match.province.code,
            formerProvince: match.former?.name,
            note: match.note,
          },
        ]
      })
      if (mapped.length > 0) {
        request.log.warn({ mapped: mapped.length }, 'facilities imported with provinces read as other names')
      }
      return { imported: facilities.length, mapped }
    },
  )

  fastify.get(
    '/:facilityId',
    {
      config: { roles: READERS },
      schema: {
        tags: ['facilities'],
        summary: 'One facility',
        params: facilityParams,
        response: { 200: facilitySchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) =>
      facilityResponse(
        await reachableFacility(fastify.registry, request.principal, request.params.facilityId),
      ),
  )

  fastify.patch(
    '/:facilityId',
    {
      config: { roles: ADMINS, audit: 'facility.change' },
      schema: {
        tags: ['facilities'],
        summary: 'Change a facility: only the fields given',
        params: facilityParams,
        body: facilityPatchSchema,
        response: { 200: facilityWriteSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const { facilityId } = request.params
      if (request.body.profile !== undefined) {
        await assertVariantsFitProfile(fastify.registry, facilityId, request.body.profile)
      }
      const before = await fastify.registry.getFacility(facilityId)
      const after = await fastify.registry.updateFacility(facilityId, request.body)
      await request.recordChange(facilityChange(facilityId, before, after))
      await announce(facilityId)
      return { ...facilityResponse(after), notes: provinceNotes(request.body.province) }
    },
  )

  fastify.get(
    '/:facilityId/sensors',
    {
      config: { roles: READERS },
      schema: {
        tags: ['facilities', 'sensors'],
        summary: "A facility's sensors",
        params: facilityParams,
        querystring: pageQuerySchema,
        response: { 200: pageSchema(sensorSchema), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { facilityId } = request.params
      await reachableFacility(fastify.registry, request.principal, facilityId)
      const page = await fastify.registry.listSensors({ ...request.query, facilityIds: [facilityId] })
      return { ...page, items: page.items.map((sensor) => sensorResponse(sensor)) }
    },
  )

  fastify.get(
    '/:facilityId/zones',
    {
      config: { roles: READERS },
      schema: {
        tags: ['facilities'],
        summary: "A facility's zones and work positions",
        params: facilityParams,
        response: { 200: z.object({ items: z.array(zoneSchema) }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      await reachableFacility(fastify.registry, request.principal, request.params.facilityId)
      return { items: await fastify.registry.listZones(request.params.facilityId) }
    },
  )

  fastify.post(
    '/:facilityId/zones',
    {
      config: { roles: MAINTAINERS, audit: 'zone.add' },
      schema: {
        tags: ['facilities'],
        summary: 'Add a zone or work position',
        params: facilityParams,
        body: zoneInputSchema,
        response: { 201: zoneSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { facilityId } = request.params
      const facility = await reachableFacility(fastify.registry, request.principal, facilityId)
      assertVariantOf(facility.profile, request.body.limitVariant)
      const zone = { ...request.body, facilityId }
      await fastify.registry.createZone(zone)
      await request.recordChange({ facilityId, target: { type: 'zone', id: zone.id }, after: zone })
      return reply.code(201).send(zone)
    },
  )

  fastify.patch(
    '/:facilityId/zones/:zoneId',
    {
      config: { roles: MAINTAINERS, audit: 'zone.change' },
      schema: {
        tags: ['facilities'],
        summary: 'Rename a zone or set its number of workers',
        params: zoneParams,
        body: zonePatchSchema,
        response: { 200: zoneSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { facilityId, zoneId } = request.params
      await reachableFacility(fastify.registry, request.principal, facilityId)
      const zoneOf = async () => (await fastify.registry.listZones(facilityId)).find((z) => z.id === zoneId)
      const before = await zoneOf()
      if (before === undefined) throw notFound(`no zone ${zoneId} at facility ${facilityId}`)
      const { name, workers } = request.body
      if (name !== undefined) await fastify.registry.renameZone(facilityId, zoneId, name)
      if (workers !== undefined)
        await fastify.registry.setZoneWorkers(facilityId, zoneId, workers ?? undefined)
      const after = (await zoneOf())!
      await request.recordChange({ facilityId, target: { type: 'zone', id: zoneId }, before, after })
      return after
    },
  )
}

export default facilityRoutes
