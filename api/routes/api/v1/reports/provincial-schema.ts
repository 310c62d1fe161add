import { z } from 'zod'
import { ANNEX_TABLE_IDS } from '../../../../../core/coverage/annex.ts'
import { provinceInputSchema } from '../../../../schemas/province.ts'
import { coverageQuerySchema } from './schema.ts'

export const provincialQuerySchema = z.strictObject({
  period: coverageQuerySchema.shape.period,
  province: provinceInputSchema.describe('The province reporting; a former unit is read as its current one'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  table: z.enum(ANNEX_TABLE_IDS).default('physical').describe('The table a CSV export holds'),
})

const pairSchema = z.object({ samples: z.number().int(), failing: z.number().int() })

const cellSchema = pairSchema.extend({
  continuous: pairSchema.extend({
    unjudged: z.number().int().describe('Samples of a factor without a limit in the profile'),
  }),
  campaign: pairSchema,
})

const cellsSchema = z.record(z.string(), cellSchema).describe('By column id: (1) samples, (2) failing')

const tableSchema = z.object({
  id: z.enum(ANNEX_TABLE_IDS),
  title: z.string(),
  columns: z.array(z.object({ id: z.string(), heading: z.string(), label: z.string() })),
  rows: z.array(
    z.object({
      no: z.number().int(),
      facilityId: z.string(),
      name: z.string(),
      workers: z.number().int(),
      workersInContact: z
        .number()
        .int()
        .nullable()
        .describe("Số người tiếp xúc: workers of the zones where the table's factors were measured"),
      workersInContactIncomplete: z.boolean(),
      cells: cellsSchema,
      total: pairSchema.optional().describe('Table 2: the dust columns added'),
      sources: z.object({ continuous: z.boolean(), campaignIds: z.array(z.string()) }),
    }),
  ),
  totals: z.object({
    workers: z.number().int(),
    workersInContact: z.number().int().nullable(),
    cells: cellsSchema,
    total: pairSchema.optional(),
  }),
})

export const provincialReportSchema = z.object({
  period: z.string(),
  periodStart: z.iso.datetime(),
  periodEnd: z.iso.datetime(),
  evaluatedUntil: z.iso.datetime(),
  complete: z.boolean(),
  province: z.object({ code: z.string(), name: z.string() }),
  notes: z.array(z.string()).optional(),
  monitoredFacilities: z
    .number()
    .int()
    .describe('Số cơ sở được quan trắc: monitored as the coverage report counts them'),
  reportingFacilities: z
    .number()
    .int()
    .describe("Tổng số cơ sở báo cáo: the province's registered facilities"),
  physical: tableSchema,
  dust: tableSchema,
})
