import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { coverageReport, PeriodNotStartedError } from '../../../../../core/coverage/evaluate.ts'
import type { CoverageReport } from '../../../../../core/coverage/report.ts'
import { type CoverageRules, coverageRules } from '../../../../../core/coverage/rules.ts'
import { reportTable } from '../../../../../core/coverage/tables.ts'
import { resolveProvince } from '../../../../../core/provinces/index.ts'
import type { Role } from '../../../../../registry/types.ts'
import { scopeOf } from '../../../../access.ts'
import { csvDocument } from '../../../../csv.ts'
import { badRequest } from '../../../../http-errors.ts'
import { errorSchema } from '../../../../schemas/common.ts'
import { reportCache } from './cache.ts'
import { gatherCoverage } from './gather.ts'
import { coverageQuerySchema, coverageReportSchema } from './schema.ts'

/** Reports read across every facility: for the authorities and admins, not for one facility's people. */
export const REPORT_READERS: readonly Role[] = ['admin', 'regulator']

export interface ReportRoutesOptions {
  /** Overrides of the coverage rules (core/coverage/rules.ts) for this deployment. */
  rules?: Partial<CoverageRules>
  /** The clock, for tests. */
  now?: () => number
  /** How long a computed report is reused: the page and its CSV downloads ask for the same one. */
  cacheMs?: number
}

const iso = (time: number) => new Date(time).toISOString()

function reportResponse(
  report: CoverageReport,
  filters: { province?: string; provinceCode?: string; sector?: string; notes?: string[] },
): z.input<typeof coverageReportSchema> {
  return {
    ...report,
    ...filters,
    periodStart: iso(report.periodStart),
    periodEnd: iso(report.periodEnd),
    evaluatedUntil: iso(report.evaluatedUntil),
    previousPeriod: {
      ...report.previousPeriod,
      periodStart: iso(report.previousPeriod.periodStart),
      periodEnd: iso(report.previousPeriod.periodEnd),
    },
    shortfalls: report.shortfalls.map((shortfall) => ({
      ...shortfall,
      reasons: shortfall.reasons.map((reason) => ({
        ...reason,
        calibrationDue: reason.calibrationDue === undefined ? undefined : iso(reason.calibrationDue),
      })),
    })),
  }
}

function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'csv'
  return accept !== undefined && /\btext\/csv\b/.test(accept)
}

const reportRoutes: FastifyPluginAsyncZod<ReportRoutesOptions> = async (fastify, options) => {
  const baseRules = coverageRules(options.rules)
  const now = options.now ?? Date.now
  // Reports by query and hour: a running period's key changes every hour.
  const cachedReport = reportCache<CoverageReport>(options.cacheMs ?? 5 * 60_000, now)

  fastify.get(
    '/coverage',
    {
      config: { roles: REPORT_READERS },
      schema: {
        tags: ['reports'],
        summary: 'Monitored facilities against the +5 %-a-year target of Directive 31-CT/TW',
        description:
          'Counts hazardous and monitored facilities (definition: core/coverage/README.md) in the period and the ' +
          'one before, by province and sector, with the facilities that fall short and why, and TWA/STEL ' +
          'exceedances by factor. `Accept: text/csv` or `format=csv` returns one table (`table=…`) as CSV.',
        querystring: coverageQuerySchema,
        response: {
          200: coverageReportSchema.or(z.string().describe('text/csv: the table asked for')),
          400: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { period, sector, format, table, minCoverage } = request.query
      const rules = minCoverage === undefined ? baseRules : coverageRules({ ...baseRules, minCoverage })
      const asOf = now()
      const ids = scopeOf(request.principal)
      const match = request.query.province === undefined ? undefined : resolveProvince(request.query.province)
      const provinceCode = match?.province.code
      const key = JSON.stringify([
        period.label,
        provinceCode,
        sector,
        ids,
        rules,
        Math.floor(asOf / 3_600_000),
      ])
      let report: CoverageReport
      try {
        report = await cachedReport(key, async () => {
          const inputs = await gatherCoverage(fastify, { period, asOf, ids, provinceCode, sector })
          return coverageReport({ period, asOf, rules, ...inputs })
        })
      } catch (err) {
        if (err instanceof PeriodNotStartedError) throw badRequest(err.message)
        throw err
      }
      const province = match?.province.name
      if (!wantsCsv(format, request.headers.accept)) {
        const notes = match?.note === undefined ? undefined : [match.note]
        return reportResponse(report, { province, provinceCode, sector, notes })
      }

      const filename = ['coverage', period.label, provinceCode, sector, table]
        .filter((part) => part !== undefined)
        .join('-')
        .replace(/[^\w.-]+/g, '_')
      const body = csvDocument(reportTable(report, table))
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}.csv"`)
        .send(body)
    },
  )
}

export default reportRoutes
