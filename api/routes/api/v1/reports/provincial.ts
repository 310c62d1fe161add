import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  ANNEX_TABLES,
  type AnnexColumn,
  type AnnexTable,
  annexColumnLabel,
  annexRows,
  type ProvincialReport,
} from '../../../../../core/coverage/annex.ts'
import { PeriodNotStartedError } from '../../../../../core/coverage/evaluate.ts'
import { type CoverageRules, coverageRules } from '../../../../../core/coverage/rules.ts'
import { resolveProvince } from '../../../../../core/provinces/index.ts'
import { csvLine } from '../../../../csv.ts'
import { badRequest } from '../../../../http-errors.ts'
import { errorSchema } from '../../../../schemas/common.ts'
import { reportCache } from './cache.ts'
import { gatherProvincial } from './gather-provincial.ts'
import { REPORT_READERS } from './index.ts'
import { provincialQuerySchema, provincialReportSchema } from './provincial-schema.ts'
import { provincialWorkbook } from './workbook.ts'

export interface ProvincialRoutesOptions {
  rules?: Partial<CoverageRules>
  now?: () => number
  cacheMs?: number
}

const iso = (time: number) => new Date(time).toISOString()
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function tableResponse(table: AnnexTable) {
  const spec = ANNEX_TABLES[table.id]
  return {
    ...table,
    title: spec.title,
    columns: (Object.keys(spec.columns) as AnnexColumn[]).map((id) => ({
      id,
      heading: (spec.columns as Record<AnnexColumn, string>)[id],
      label: annexColumnLabel(id),
    })),
  }
}

function reportResponse(report: ProvincialReport, notes: string[] | undefined) {
  return {
    ...report,
    periodStart: iso(report.periodStart),
    periodEnd: iso(report.periodEnd),
    evaluatedUntil: iso(report.evaluatedUntil),
    notes,
    physical: tableResponse(report.physical),
    dust: tableResponse(report.dust),
  }
}

/** The provincial occupational-health report's monitoring section (README "Regulator reports"). */
const provincialRoutes: FastifyPluginAsyncZod<ProvincialRoutesOptions> = async (fastify, options) => {
  const baseRules = coverageRules(options.rules)
  const now = options.now ?? Date.now
  const cached = reportCache<ProvincialReport>(options.cacheMs ?? 5 * 60_000, now)

  fastify.get(
    '/provincial',
    {
      config: { roles: REPORT_READERS },
      schema: {
        tags: ['reports'],
        summary:
          "A province's working-environment monitoring results, as the six-monthly / yearly report files them",
        description:
          'Section VI of the provincial occupational-health report (Circular 19/2016/TT-BYT, annex 10): facilities ' +
          'monitored / reporting; per facility its workers, workers in contact, and per factor the samples measured ' +
          '(1) and failing the limit (2), from campaigns and from continuous sensors (one sample per working hour). ' +
          '`format=csv` returns one table (`table=physical|dust`), `format=xlsx` the workbook.',
        querystring: provincialQuerySchema,
        response: {
          200: provincialReportSchema
            .or(z.string().describe('text/csv: the table asked for'))
            .or(z.instanceof(Buffer).describe('the XLSX workbook'))
            .describe('JSON; text/csv; or the XLSX workbook'),
          400: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { period, format, table } = request.query
      const match = resolveProvince(request.query.province)!
      const asOf = now()
      const key = JSON.stringify([period.label, match.province.code, Math.floor(asOf / 3_600_000)])
      let report: ProvincialReport
      try {
        report = await cached(key, () =>
          gatherProvincial(fastify, { period, asOf, province: match.province, rules: baseRules }),
        )
      } catch (err) {
        if (err instanceof PeriodNotStartedError) throw badRequest(err.message)
        throw err
      }
      const filename = `provincial-${period.label}-${match.province.code}`
      if (format === 'xlsx') {
        return reply
          .type(XLSX)
          .header('content-disposition', `attachment; filename="${filename}.xlsx"`)
          .send(await provincialWorkbook(report))
      }
      if (format === 'csv') {
        // The BOM makes spreadsheet programs read the UTF-8 of Vietnamese names; RFC 4180 lines end in CRLF.
        const body = `\ufeff${annexRows(report, table)
          .map((row) => csvLine(row))
          .join('\r\n')}\r\n`
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${filename}-${table}.csv"`)
          .send(body)
      }
      return reportResponse(report, match.note === undefined ? undefined : [match.note])
    },
  )
}

export default provincialRoutes
