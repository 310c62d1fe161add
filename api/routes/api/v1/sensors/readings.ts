import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { FACTOR_IDS, FACTORS } from '../../../../../core/factors.ts'
import { assertReachable, READERS } from '../../../../access.ts'
import { sendCsv, wantsCsv } from '../../../../csv-export.ts'
import { badRequest } from '../../../../http-errors.ts'
import { errorSchema, idSchema, instantSchema } from '../../../../schemas/common.ts'

/** A series longer than this many intervals is refused: ask for a coarser interval instead. */
const MAX_POINTS = 10_000
const HOUR = 3_600_000
const DURATION = /^(\d+)(s|m|h|d)$/
const UNIT_MS = { s: 1000, m: 60_000, h: HOUR, d: 24 * HOUR } as const
/** A year and a day: a coarser series means nothing, and a vast interval would reach the store as garbage. */
const MAX_INTERVAL_MS = 366 * 24 * HOUR

/** The milliseconds of a duration like `5m`, or undefined when it is not one. */
function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text)
  if (match === null) return undefined
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}

const seriesQuerySchema = z.strictObject({
  factor: z.enum(FACTOR_IDS),
  from: instantSchema.optional().describe('Start, ISO-8601 or epoch ms; default: one hour before `to`'),
  to: instantSchema.optional().describe('End (exclusive), ISO-8601 or epoch ms; default: now'),
  interval: z
    .string()
    .regex(DURATION, 'an interval is a number and a unit: 30s, 5m, 1h, 1d')
    .refine((text) => {
      const ms = durationMs(text)
      return ms === undefined || (ms > 0 && ms <= MAX_INTERVAL_MS)
    }, 'an interval is longer than zero and at most 366d')
    .default('1m')
    .describe('Aggregation interval, e.g. 10s, 1m, 1h'),
  format: z.enum(['json', 'csv']).optional().describe('csv: one row per interval'),
})

const seriesSchema = z.object({
  sensorId: z.string(),
  factor: z.enum(FACTOR_IDS),
  unit: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  interval: z.string(),
  points: z.array(
    z.object({
      time: z.iso.datetime().describe('Start of the interval'),
      min: z.number(),
      mean: z.number().describe('Arithmetic mean of the readings (for noise, of the dBA values)'),
      max: z.number(),
      laeq: z
        .number()
        .optional()
        .describe(
          'Noise only: the equal-energy mean level LAeq of the interval, dBA (what noise averages to)',
        ),
      count: z.number().int().describe('Readings in the interval'),
    }),
  ),
})

const sensorReadingRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/:sensorId/readings',
    {
      config: { roles: READERS },
      schema: {
        tags: ['sensors', 'readings'],
        summary: "A sensor's readings of one factor over a time range: min, mean and max per interval",
        params: z.object({ sensorId: idSchema }),
        querystring: seriesQuerySchema,
        response: {
          200: seriesSchema.or(z.string().describe('text/csv')),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { sensorId } = request.params
      const sensor = await fastify.registry.getSensor(sensorId)
      assertReachable(request.principal, sensor?.facilityId, `sensor ${sensorId}`)
      const { factor, interval, format } = request.query
      const intervalMs = durationMs(interval) as number
      const to = request.query.to ?? Date.now()
      const from = request.query.from ?? to - HOUR
      if (from >= to) throw badRequest('querystring.from: `from` must be before `to`')
      if ((to - from) / intervalMs > MAX_POINTS) {
        throw badRequest(
          `querystring.interval: that range holds more than ${MAX_POINTS} intervals of ${interval}: choose a longer interval`,
        )
      }
      // Decibels average by energy, LAeq = 10·log10(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ): 80 and 90 dBA make 87.4 dBA, not 85.
      const energyMean = FACTORS[factor].unit === 'dBA'
      const points = await fastify.store.readingSeries({ sensorId, factor, from, to, intervalMs, energyMean })
      const unit = FACTORS[factor].unit
      if (wantsCsv(request, format)) {
        return sendCsv(
          reply,
          `readings-${sensorId}-${factor}-${new Date(from).toISOString().slice(0, 16).replace(':', '')}`,
          ['sensor', 'factor', 'unit', 'interval_start', 'interval', 'min', 'mean', 'max', 'count', 'laeq'],
          points.map((p) => [
            sensorId,
            factor,
            unit,
            new Date(p.time).toISOString(),
            interval,
            p.min,
            p.mean,
            p.max,
            p.count,
            p.energyMean,
          ]),
        )
      }
      return {
        sensorId,
        factor,
        unit,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        interval,
        points: points.map(({ energyMean: laeq, ...p }) => ({
          ...p,
          laeq,
          time: new Date(p.time).toISOString(),
        })),
      }
    },
  )
}

export default sensorReadingRoutes
