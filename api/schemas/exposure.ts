import { z } from 'zod'
import type { ExposurePoint } from '../../core/contract.ts'
import { type ExposureVerdicts, FIGURE_IDS, REASON_CODES, VERDICTS } from '../../core/exposure/verdicts.ts'
import { FACTOR_IDS, FACTORS } from '../../core/factors.ts'
import { reasonsWithTexts } from '../../core/messages/index.ts'
import type { ShiftWindow } from '../../core/shifts.ts'

export const basisSchema = z
  .object({
    measuredMs: z.number().describe('Time covered by readings inside the window, ms'),
    windowMs: z
      .number()
      .describe('The window the figure speaks of: the shift, the time since it started, 15 min, 1 h'),
    share: z.number().describe('measuredMs / windowMs, 0–1'),
    longestGapMs: z.number().describe('Longest unmeasured stretch in the window, ms'),
    calibration: z.enum(['in-date', 'lapsed', 'unknown']),
    faults: z
      .array(z.string())
      .readonly()
      .describe('Active sensor faults; a figure of a faulty sensor is never within'),
  })
  .describe('What a figure rests on (core/exposure/verdicts.ts)')

const judgedSchema = z.object({
  verdict: z
    .enum(VERDICTS)
    .describe(
      'exceeds: certain from measured data, or projected on a sufficient basis; within: on a sufficient basis; insufficient-data: neither, and no alert',
    ),
  reasons: z
    .array(
      z.object({
        code: z.enum(REASON_CODES).describe('Stable machine code'),
        message: z.string(),
        texts: z
          .object({ vi: z.string(), en: z.string() })
          .describe('The reason in words with the figures of its basis, per language (core/messages)'),
      }),
    )
    .readonly(),
  basis: basisSchema,
})

export const verdictsSchema = z
  .object(
    Object.fromEntries(FIGURE_IDS.map((id) => [id, judgedSchema.optional()])) as Record<
      (typeof FIGURE_IDS)[number],
      z.ZodOptional<typeof judgedSchema>
    >,
  )
  .describe(
    'Each figure that has a limit, judged on its basis; ceiling and floor judge the shift’s extreme reading',
  )

export const exposureSchema = z.object({
  facilityId: z.string(),
  sensorId: z.string(),
  factor: z.enum(FACTOR_IDS),
  unit: z.string().describe('Unit of stel, twa and twaProjected; dose is in %'),
  time: z.iso.datetime(),
  shiftStart: z.iso.datetime(),
  shift: z
    .object({
      start: z.iso
        .datetime({ offset: true })
        .describe("When the shift started, in the facility's local time"),
      end: z.iso.datetime({ offset: true }).describe('Its planned end: start + hours'),
      hours: z
        .number()
        .describe('Planned length: the projections run to it; TWA and dose keep their 8-h reference'),
      nextStart: z.iso
        .datetime({ offset: true })
        .describe('When the next shift starts: readings until then count to this one'),
    })
    .optional()
    .describe(
      "The shift the figures are judged on, from the facility's declared pattern as it was when it began",
    ),
  coverage: z.number().describe('Share of the shift so far covered by readings, 0–1'),
  stel: z.number().optional().describe('Mean of the last 15 minutes'),
  twa: z
    .number()
    .optional()
    .describe(
      '8-h time-weighted average so far, unmeasured time counted as zero; none for temperature, humidity, WBGT, O₂',
    ),
  twaProjected: z.number().optional().describe('TWA at the end of the shift if exposure goes on as measured'),
  dose: z.number().optional().describe('Noise dose so far (measured time only), %'),
  doseProjected: z.number().optional().describe('Noise dose at the end of the shift, %'),
  lex8h: z.number().optional().describe('Daily noise exposure level LEX,8h, dBA'),
  hourMean: z.number().optional().describe('Mean of the last hour (WBGT, for heat stress), in the unit'),
  basis: basisSchema.optional().describe('What the shift figures (TWA, dose, LEX,8h) rest on'),
  verdicts: verdictsSchema.optional(),
})

/** An instant as local time with its offset: 2026-11-30T07:30:00+07:00. */
function localTime(time: number, utcOffsetMinutes: number): string {
  const local = new Date(time + utcOffsetMinutes * 60_000).toISOString().slice(0, 19)
  const offset = Math.abs(utcOffsetMinutes)
  const hhmm = `${String(Math.floor(offset / 60)).padStart(2, '0')}:${String(offset % 60).padStart(2, '0')}`
  return `${local}${utcOffsetMinutes < 0 ? '-' : '+'}${hhmm}`
}

/** Verdicts with each reason worded in both languages (core/messages), as the API and the live feed send them. */
export function verdictsWithTexts(
  verdicts: ExposureVerdicts | undefined,
): z.input<typeof verdictsSchema> | undefined {
  if (verdicts === undefined) return undefined
  return Object.fromEntries(
    Object.entries(verdicts).map(([figure, judged]) => [
      figure,
      judged === undefined
        ? undefined
        : { ...judged, reasons: reasonsWithTexts(judged.reasons, judged.basis) },
    ]),
  )
}

/** A point as the API and the live feed give it; `shift` the one it was judged on, when known. */
export function exposureResponse(point: ExposurePoint, shift: ShiftWindow | undefined = point.shift) {
  return {
    ...point,
    verdicts: verdictsWithTexts(point.verdicts),
    unit: FACTORS[point.factor].unit,
    time: new Date(point.time).toISOString(),
    shiftStart: new Date(point.shiftStart).toISOString(),
    shift: shift === undefined ? undefined : shiftInLocalTime(shift),
  }
}

/** A shift as the API gives it: start, planned end and the next start in the facility's local time. */
export function shiftInLocalTime(shift: ShiftWindow) {
  return {
    start: localTime(shift.start, shift.utcOffsetMinutes),
    end: localTime(shift.start + shift.hours * 3_600_000, shift.utcOffsetMinutes),
    hours: shift.hours,
    nextStart: localTime(shift.end, shift.utcOffsetMinutes),
  }
}
