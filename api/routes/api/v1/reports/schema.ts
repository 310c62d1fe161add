import { z } from 'zod'
import { MONITORING_FACTOR_IDS } from '../../../../../core/campaigns.ts'
import { COVERAGE_SOURCES, SHORTFALL_CODES } from '../../../../../core/coverage/assess.ts'
import { parsePeriod } from '../../../../../core/coverage/period.ts'
import { REPORT_TABLES } from '../../../../../core/coverage/tables.ts'
import { VERDICTS } from '../../../../../core/coverage/target.ts'
import { FACTOR_IDS } from '../../../../../core/factors.ts'
import { provinceInputSchema } from '../../../../schemas/province.ts'

export const coverageQuerySchema = z.strictObject({
  period: z
    .string()
    .max(20)
    .transform((text, ctx) => {
      try {
        return parsePeriod(text)
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message })
        return z.NEVER
      }
    })
    .describe('A year (2025), half-year (2025-H1), quarter (2025-Q3) or month (2025-07), in Vietnam time'),
  province: provinceInputSchema
    .optional()
    .describe('Only facilities of this current unit; a former unit is read as the unit it is part of now'),
  sector: z.string().trim().min(1).max(100).optional().describe('Only facilities of this sector'),
  format: z.enum(['json', 'csv']).optional().describe('csv: the same as Accept: text/csv'),
  table: z.enum(REPORT_TABLES).default('summary').describe('The table a CSV export holds'),
  minCoverage: z.coerce
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe(
      'Share of working hours a sensor must cover, 0–1 (default 0.6); the report states the rules used',
    ),
})

const countsSchema = z.object({
  hazardousFacilities: z.number().int().describe('Facilities with hazardous factors registered: the base'),
  monitoredFacilities: z.number().int(),
  monitoredShare: z.number().describe('monitored / hazardous, 0–1'),
})

const judgementSchema = z.object({
  growthPercent: z.number().nullable().describe('Growth of monitored facilities; null from zero'),
  targetPercent: z.number().describe('5 for a year; compounded share of 5 % for a quarter or month'),
  onTrack: z.boolean().nullable().describe('null when there is no hazardous facility to judge'),
  verdict: z.enum(VERDICTS),
  facilitiesNeededForTarget: z.number().int(),
})

const tallySchema = countsSchema.extend(judgementSchema.shape).extend({
  name: z.string(),
  code: z.string().optional().describe("The province's 2-digit code"),
  previousMonitoredFacilities: z.number().int(),
  exposedWorkers: z.number().int().describe('Workers in zones where a factor exceeded its limit'),
})

const factorCoverageSchema = z.object({
  factor: z.enum(FACTOR_IDS),
  covered: z.boolean(),
  coverage: z.number().describe("Best sensor's share of working hours with data, 0–1"),
  sensorId: z.string().optional(),
  sources: z.array(z.enum(COVERAGE_SOURCES)),
  campaignIds: z.array(z.string()),
})

const exposedFacilitySchema = z.object({
  facilityId: z.string(),
  name: z.string(),
  province: z.string(),
  provinceCode: z.string().optional(),
  sector: z.string(),
  workers: z.number().int(),
  exposedWorkers: z.number().int(),
  factors: z.array(z.enum(MONITORING_FACTOR_IDS)),
  zones: z.array(
    z.object({
      zoneId: z.string(),
      name: z.string(),
      workers: z.number().int().optional(),
      factors: z.array(z.enum(MONITORING_FACTOR_IDS)),
      evidence: z.array(z.string()).describe("Alerts' sensors and campaigns that found it"),
    }),
  ),
  unattributed: z
    .array(z.object({ factor: z.enum(MONITORING_FACTOR_IDS), evidence: z.array(z.string()) }))
    .describe('Exceedances on sensors in no zone: their workers are not counted'),
  workersUnknown: z.boolean().describe('A zone without a worker count: exposedWorkers is a lower bound'),
})

const reasonSchema = z.object({
  factor: z.enum(FACTOR_IDS),
  code: z.enum(SHORTFALL_CODES),
  sensorIds: z.array(z.string()),
  coverage: z.number().optional().describe('0–1'),
  required: z.number().optional().describe('0–1'),
  calibrationDue: z.iso.datetime().optional(),
  campaignIds: z.array(z.string()).optional(),
  message: z.string(),
})

export const coverageReportSchema = countsSchema.extend(judgementSchema.shape).extend({
  period: z.string(),
  periodStart: z.iso.datetime(),
  periodEnd: z.iso.datetime(),
  evaluatedUntil: z.iso.datetime().describe('The period so far: the last full hour while it runs'),
  complete: z.boolean(),
  province: z.string().optional().describe('The current unit the report is limited to'),
  provinceCode: z.string().optional(),
  sector: z.string().optional(),
  notes: z.array(z.string()).optional().describe('How the query was read, e.g. a former province mapped'),
  requiredFacilities: z.number().int().describe('Monitored facilities the target asks for'),
  facilitiesWithoutHazards: z.number().int().describe('In scope but outside the base'),
  previousPeriod: countsSchema.extend({
    period: z.string(),
    periodStart: z.iso.datetime(),
    periodEnd: z.iso.datetime(),
  }),
  byProvince: z.array(tallySchema),
  bySector: z.array(tallySchema),
  shortfalls: z.array(
    z.object({
      facilityId: z.string(),
      name: z.string(),
      province: z.string(),
      sector: z.string(),
      hazards: z.array(z.enum(FACTOR_IDS)),
      reasons: z.array(reasonSchema),
    }),
  ),
  exceedances: z
    .array(
      z.object({
        factor: z.enum(FACTOR_IDS),
        facilities: z.number().int(),
        twaAlerts: z.number().int(),
        stelAlerts: z.number().int(),
        facilityIds: z.array(z.string()),
      }),
    )
    .describe('TWA and STEL alerts at alarm level or above opened in the period, by factor'),
  facilitiesWithExceedances: z.number().int(),
  monitoredBySource: z
    .object({ continuous: z.number().int(), campaign: z.number().int(), both: z.number().int() })
    .describe('Monitored facilities counted by sensors only, by campaigns only, or by both'),
  facilities: z
    .array(
      z.object({
        facilityId: z.string(),
        name: z.string(),
        province: z.string(),
        provinceCode: z.string().optional(),
        sector: z.string(),
        monitored: z.boolean(),
        sources: z.array(z.enum(COVERAGE_SOURCES)).describe('What counted it: sensors, campaigns'),
        factors: z.array(factorCoverageSchema),
      }),
    )
    .describe('Every facility of the base, and which source counted each factor'),
  facilitiesRegisteredLater: z.number().int().describe('In scope but registered after the period'),
  exposedWorkers: z
    .number()
    .int()
    .describe('Workers in zones where a factor exceeded its limit in the period: whom to examine'),
  exposedWorkersByFactor: z.array(
    z.object({
      factor: z.enum(MONITORING_FACTOR_IDS),
      exposedWorkers: z.number().int(),
      facilities: z.number().int(),
    }),
  ),
  exposedFacilities: z.array(exposedFacilitySchema),
  rules: z.object({
    minCoverage: z.number(),
    shiftHours: z.number(),
    calibrationGraceDays: z.number(),
    acceptUnknownCalibration: z.boolean(),
    annualTargetPercent: z.number(),
  }),
})
