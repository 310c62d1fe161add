import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  FORMER_PROVINCES,
  PROVINCE_KINDS,
  PROVINCES,
  PROVINCES_IN_FORCE_FROM,
  resolveProvince,
} from '../../../../../core/provinces/index.ts'
import { READERS } from '../../../../access.ts'
import { errorSchema } from '../../../../schemas/common.ts'

const provincesSchema = z.object({
  inForceFrom: z.string().describe('The day the 34-unit list came into force'),
  items: z.array(
    z.object({
      code: z.string().describe("The statistics office's 2-digit code"),
      name: z.string(),
      kind: z.enum(PROVINCE_KINDS).describe('city: one of the six centrally run cities'),
      formedFrom: z.array(z.string()).describe('The former units merged into it; empty when unchanged'),
    }),
  ),
  formerUnits: z
    .array(
      z.object({
        code: z.string().describe('Its code in the old list'),
        name: z.string(),
        nowPartOf: z.string().describe('The code of the current unit it is part of'),
      }),
    )
    .describe('The 63 units before 2025-07-01, accepted on input and mapped'),
})

const provinceRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/',
    {
      config: { roles: READERS },
      schema: {
        tags: ['provinces'],
        summary: 'The 34 provincial units in force since 2025-07-01, and the former units they absorbed',
        response: { 200: provincesSchema },
      },
    },
    async () => ({
      inForceFrom: PROVINCES_IN_FORCE_FROM,
      items: PROVINCES.map((p) => ({ ...p, formedFrom: [...p.formedFrom] })),
      formerUnits: FORMER_PROVINCES.map(({ code, name, nowPartOf }) => ({ code, name, nowPartOf })),
    }),
  )

  fastify.get(
    '/resolve',
    {
      config: { roles: READERS },
      schema: {
        tags: ['provinces'],
        summary: 'How a province as written is read: the current unit, and a note when it was mapped',
        querystring: z.strictObject({ name: z.string().trim().min(1).max(100) }),
        response: {
          200: z.object({
            code: z.string(),
            name: z.string(),
            formerProvince: z.string().optional(),
            note: z.string().optional(),
          }),
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const match = resolveProvince(request.query.name)
      if (match === undefined) {
        return reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          message: `"${request.query.name}" is no provincial unit of the list in force since ${PROVINCES_IN_FORCE_FROM} nor a former one`,
        })
      }
      return {
        code: match.province.code,
        name: match.province.name,
        formerProvince: match.former?.name,
        note: match.note,
      }
    },
  )
}

export default provinceRoutes
