import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { RESOLUTION_REASONS } from '../../../../../core/alerts.ts'
import {
  CAMPAIGN_ONLY_FACTORS,
  MONITORING_FACTOR_IDS,
  monitoringFactorLabel,
} from '../../../../../core/campaigns.ts'
import { FACTORS, isFactorId } from '../../../../../core/factors.ts'
import { FACTOR_LABELS_VI, RESOLUTION_REASON_LABELS } from '../../../../../core/labels.ts'
import { READERS } from '../../../../access.ts'
import { errorSchema } from '../../../../schemas/common.ts'

const labelsSchema = z.object({ en: z.string(), vi: z.string() })

export const factorsResponseSchema = z.object({
  factors: z
    .array(
      z.object({
        id: z.enum(MONITORING_FACTOR_IDS),
        labels: labelsSchema,
        unit: z
          .string()
          .describe(
            "A sensor factor's canonical unit (readings and limits are in it); for the others the unit a campaign form suggests",
          ),
        sensor: z.boolean().describe('Sensors report it: live readings, limits, alerts'),
        monitoring: z.boolean().describe('A periodic monitoring campaign may record it'),
      }),
    )
    .describe('In the order the pages show them'),
  resolutionReasons: z
    .array(z.object({ id: z.enum(RESOLUTION_REASONS), labels: labelsSchema }))
    .describe(
      'Why a person may close an alert (POST /api/v1/alerts/{alertId}/resolve), in the order offered',
    ),
})

const monitoring = new Set<string>(MONITORING_FACTOR_IDS)

/** Fixed at start-up, like the limit profiles: built once. */
const FACTOR_CATALOGUE: z.infer<typeof factorsResponseSchema> = {
  factors: MONITORING_FACTOR_IDS.map((id) => ({
    id,
    labels: { en: monitoringFactorLabel(id), vi: FACTOR_LABELS_VI[id] },
    unit: isFactorId(id) ? FACTORS[id].unit : CAMPAIGN_ONLY_FACTORS[id].unit,
    sensor: isFactorId(id),
    monitoring: monitoring.has(id),
  })),
  resolutionReasons: RESOLUTION_REASONS.map((id) => ({ id, labels: RESOLUTION_REASON_LABELS[id] })),
}

const factorRoutes: FastifyPluginAsyncZod = async (fastify) => {
  // '' rather than '/': the operation is GET /api/v1/factors, as the page calls it.
  fastify.get(
    '',
    {
      config: { roles: READERS },
      schema: {
        tags: ['limits'],
        summary:
          'The factors and the reasons to close an alert, with what a person reads for each, in English and Vietnamese',
        response: { 200: factorsResponseSchema, 401: errorSchema },
      },
    },
    async () => FACTOR_CATALOGUE,
  )
}

export default factorRoutes
