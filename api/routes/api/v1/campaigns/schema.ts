import { z } from 'zod'
import { MONITORING_FACTOR_IDS } from '../../../../../core/campaigns.ts'
import { parsePeriod } from '../../../../../core/coverage/period.ts'
import { idSchema, pageQuerySchema } from '../../../../schemas/common.ts'

const text = (max: number) => z.string().trim().min(1).max(max)
const day = z.iso.date().describe('YYYY-MM-DD, Vietnam time')
const MAX_MEASUREMENTS = 2000
const MAX_VALUES = 1000

export const measurementSchema = z.strictObject({
  zoneId: idSchema.describe('The zone of the facility the position is in: its workers are the exposed ones'),
  position: text(200).optional().describe('The position inside the zone, as the report names it'),
  factor: z.enum(MONITORING_FACTOR_IDS),
  substance: text(200).optional().describe('For gas.other, dust.other, other: what was measured'),
  samples: z.number().int().min(0).max(100_000),
  samplesOverLimit: z.number().int().min(0).max(100_000).describe('As the organisation judged them'),
  values: z
    .array(z.number().finite())
    .max(MAX_VALUES)
    .optional()
    .describe('One value per sample, as the organisation reports them'),
  unit: text(20).optional().describe('The unit of the values'),
})

export const declarationSchema = z.strictObject({
  reference: text(200).describe('Number or reference of the declaration of eligibility'),
  publishedBy: text(200).describe('The Ministry of Health or the provincial Department of Health (Sở Y tế)'),
  publishedOn: day.optional(),
})

export const campaignInputSchema = z.strictObject({
  id: idSchema.optional().describe('Given, or made up by the server'),
  facilityId: idSchema,
  organisationId: idSchema
    .optional()
    .describe("The monitoring organisation; a contractor's key may only name its own (the default)"),
  declaration: declarationSchema,
  startedOn: day,
  endedOn: day.describe('Last day of sampling: the campaign counts in the period that holds it'),
  measurements: z.array(measurementSchema).min(1).max(MAX_MEASUREMENTS),
})

export const campaignSchema = campaignInputSchema.extend({
  id: idSchema,
  organisationId: idSchema,
  recordedAt: z.iso.datetime(),
  recordedBy: z.string().describe('The name of the API key that recorded it'),
})

export const campaignQuerySchema = z.strictObject({
  ...pageQuerySchema.shape,
  facility: idSchema.optional(),
  period: z
    .string()
    .max(20)
    .transform((value, ctx) => {
      try {
        return parsePeriod(value)
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message })
        return z.NEVER
      }
    })
    .optional()
    .describe('Only campaigns counting in this period (their last day in it)'),
})

/** A semicolon list of numbers in one CSV cell: `84.5;88;91`. */
const valuesCell = z
  .string()
  .default('')
  .transform((cell, ctx) => {
    const items = cell
      .split(';')
      .map((v) => v.trim())
      .filter(Boolean)
    if (items.length === 0) return undefined
    const values = items.map(Number)
    if (values.some((v) => !Number.isFinite(v))) {
      ctx.addIssue({ code: 'custom', message: 'values are numbers separated by semicolons' })
      return z.NEVER
    }
    return values
  })

const optionalCell = <T extends z.ZodType<unknown, string>>(schema: T) =>
  z
    .string()
    .default('')
    .transform((cell) => cell.trim() || undefined)
    .pipe(schema.optional())

/** One line of a campaigns CSV: one measurement; the campaign's own fields repeat on each of its lines. */
export const campaignCsvRowSchema = z.object({
  campaignId: idSchema,
  facilityId: idSchema,
  organisationId: optionalCell(idSchema),
  declarationReference: text(200),
  declarationPublishedBy: text(200),
  declarationPublishedOn: optionalCell(day),
  startedOn: day,
  endedOn: day,
  zoneId: idSchema,
  position: optionalCell(text(200)),
  factor: z.string().trim().pipe(z.enum(MONITORING_FACTOR_IDS)),
  substance: optionalCell(text(200)),
  samples: z.coerce.number().int().min(0).max(100_000),
  samplesOverLimit: z.coerce.number().int().min(0).max(100_000),
  values: valuesCell,
  unit: optionalCell(text(20)),
})

export const CAMPAIGN_CSV_COLUMNS = Object.keys(campaignCsvRowSchema.shape)
/** The columns every line of one campaign must repeat alike. */
export const CAMPAIGN_CSV_SHARED = [
  'facilityId',
  'organisationId',
  'declarationReference',
  'declarationPublishedBy',
  'declarationPublishedOn',
  'startedOn',
  'endedOn',
] as const
