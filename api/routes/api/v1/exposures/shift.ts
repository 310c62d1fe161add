import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { ExposurePoint } from '../../../../../core/contract.ts'
import type { ExposureVerdicts, FigureId } from '../../../../../core/exposure/verdicts.ts'
import { FACTORS } from '../../../../../core/factors.ts'
import { type ShiftWindow, shiftStartAt, shiftWindowAt } from '../../../../../core/shifts.ts'
import type { Facility } from '../../../../../registry/types.ts'
import type { ShiftExposure } from '../../../../../store/types.ts'
import { READERS, reachableFacility } from '../../../../access.ts'
import { sendCsv, wantsCsv } from '../../../../csv-export.ts'
import { errorSchema, idSchema, instantSchema, isoTime } from '../../../../schemas/common.ts'
import {
  exposureResponse,
  exposureSchema,
  shiftInLocalTime,
  verdictsWithTexts,
} from '../../../../schemas/exposure.ts'

const shiftReportQuerySchema = z.strictObject({
  facility: idSchema,
  at: instantSchema
    .optional()
    .describe('An instant inside the shift (ISO-8601 or epoch ms); default: now, i.e. the shift in progress'),
  format: z.enum(['json', 'csv']).optional().describe('csv: one row per sensor and factor'),
})

const shiftReportSchema = z.object({
  facilityId: z.string(),
  facilityName: z.string(),
  profile: z.string(),
  shift: z.object({
    start: z.iso.datetime({ offset: true }).describe("When the shift started, in the facility's local time"),
    end: z.iso.datetime({ offset: true }).describe('Its planned end'),
    hours: z.number(),
    nextStart: z.iso.datetime({ offset: true }),
    previousAt: z.iso.datetime().describe('An instant of the shift before: pass it as `at` to read that one'),
  }),
  items: z.array(
    exposureSchema.extend({
      zone: z.string().optional(),
      peakStel: z.number().optional().describe('Highest 15-minute mean of the shift, in the unit'),
      peakStelAt: z.iso.datetime().optional(),
    }),
  ),
})

/** The figures of a shift report, each with its verdict, in CSV column order. */
const REPORTED: readonly {
  figure: FigureId
  column: string
  value: (p: ShiftExposure) => number | undefined
}[] = [
  { figure: 'twa', column: 'twa', value: (p) => p.last.twa },
  { figure: 'stel', column: 'peak_stel', value: (p) => p.peakStel?.value },
  { figure: 'dose', column: 'dose_pct', value: (p) => p.last.dose },
  { figure: 'lex8h', column: 'lex8h_dba', value: (p) => p.last.lex8h },
]

const CSV_COLUMNS = [
  'facility',
  'shift_start',
  'shift_end',
  'sensor',
  'zone',
  'factor',
  'unit',
  'coverage_pct',
  ...REPORTED.flatMap(({ column, figure }) => [column, `${figure}_verdict`, `${figure}_reasons`]),
  'measured_h',
  'longest_gap_min',
  'calibration',
  'faults',
  'last_figures_at',
]

/**
 * The shift containing `at`: as ingest recorded it when it opened the shift (a pattern changed since does not
 * move it), else as the facility's pattern gives it now.
 */
/**
 * The peak STEL where the factor has a STEL limit (its figures carry a STEL verdict); a 15-minute mean of
 * temperature or of noise is no STEL, and a report that listed it would read as one.
 */
function judgedPeak(exposure: ShiftExposure): ShiftExposure {
  const { last, peakStel } = exposure
  if (peakStel?.judged !== undefined || last.verdicts?.stel !== undefined) return exposure
  return { last }
}

async function shiftAt(
  findShifts: (keys: { facilityId: string; start: number }[]) => Promise<ShiftWindow[]>,
  facility: Facility,
  at: number,
): Promise<ShiftWindow> {
  const start = shiftStartAt(at, facility.shifts)
  const [recorded] = await findShifts([{ facilityId: facility.id, start }])
  if (recorded !== undefined && at < recorded.end) return recorded
  return shiftWindowAt(at, facility.shifts)
}

/** The last point's verdicts, but STEL's of the window that peaked: the worst 15 minutes of the shift. */
function verdictsOf(exposure: ShiftExposure): ExposureVerdicts | undefined {
  const { last, peakStel } = exposure
  if (peakStel?.judged === undefined) return last.verdicts
  return { ...last.verdicts, stel: peakStel.judged }
}

function round(value: number | undefined, digits: number): number | undefined {
  return value === undefined ? undefined : Number(value.toFixed(digits))
}

function csvRow(facility: Facility, shift: ShiftWindow, zone: string | undefined, exposure: ShiftExposure) {
  const point: ExposurePoint = exposure.last
  const basis = point.basis
  return [
    facility.id,
    new Date(shift.start).toISOString(),
    new Date(shift.start + shift.hours * 3_600_000).toISOString(),
    point.sensorId,
    zone,
    point.factor,
    FACTORS[point.factor].unit,
    round(point.coverage * 100, 1),
    ...REPORTED.flatMap(({ figure, value }) => {
      const judged = verdictsOf(exposure)?.[figure]
      return [
        round(value(exposure), 3),
        judged?.verdict,
        judged?.reasons.map((r) => r.code).join('; ') || undefined,
      ]
    }),
    round(basis === undefined ? undefined : basis.measuredMs / 3_600_000, 2),
    round(basis === undefined ? undefined : basis.longestGapMs / 60_000, 1),
    basis?.calibration,
    basis?.faults.join('; ') || undefined,
    new Date(point.time).toISOString(),
  ]
}

const shiftReportRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/shift',
    {
      config: { roles: READERS },
      schema: {
        tags: ['exposures'],
        summary:
          "A facility's shift report: per sensor and factor the TWA, peak STEL, dose, LEX,8h, coverage",
        description:
          'The last figures of each sensor and factor in the shift containing `at`, each with its verdict and ' +
          'what it rests on (core/exposure/README.md § Verdicts), and the highest STEL of the shift, whose ' +
          'window gives the STEL verdict. ' +
          '`format=csv` (or Accept: text/csv) gives one row per sensor and factor.',
        querystring: shiftReportQuerySchema,
        response: {
          200: shiftReportSchema.or(z.string().describe('text/csv')),
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { facility: facilityId, at = Date.now(), format } = request.query
      const facility = await reachableFacility(fastify.registry, request.principal, facilityId)
      const shift = await shiftAt((keys) => fastify.registry.findShifts(keys), facility, at)
      const [stored, sensors] = await Promise.all([
        fastify.store.shiftExposures({ facilityId, shiftStart: shift.start }),
        fastify.registry.listSensors({ facilityIds: [facilityId], limit: 10_000, offset: 0 }),
      ])
      const exposures = stored.map(judgedPeak)
      const zoneOf = new Map(sensors.items.map((s) => [s.id, s.zone]))
      if (wantsCsv(request, format)) {
        const day = new Date(shift.start + shift.utcOffsetMinutes * 60_000).toISOString().slice(0, 16)
        return sendCsv(
          reply,
          `shift-${facility.id}-${day.replace(':', '')}`,
          CSV_COLUMNS,
          exposures.map((e) => csvRow(facility, shift, zoneOf.get(e.last.sensorId), e)),
        )
      }
      return {
        facilityId,
        facilityName: facility.name,
        profile: facility.profile,
        shift: { ...shiftInLocalTime(shift), previousAt: new Date(shift.start - 1).toISOString() },
        items: exposures.map((e) => ({
          ...exposureResponse(e.last, shift),
          zone: zoneOf.get(e.last.sensorId),
          verdicts: verdictsWithTexts(verdictsOf(e)),
          peakStel: e.peakStel?.value,
          peakStelAt: isoTime(e.peakStel?.time),
        })),
      }
    },
  )
}

export default shiftReportRoutes
