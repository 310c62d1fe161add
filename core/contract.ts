/**
 * The wire contract between sensors and quantrac: what a sensor publishes on
 * `quantrac/v1/readings/{facilityId}/{sensorId}` (see topics.ts). One zod schema is the single source:
 * ingest validates with it, simulators build payloads from its types (their tests parse what they publish
 * with it). The API takes no readings, so its OpenAPI document does not show it: README.md, Wire contract,
 * describes it for sensor makers.
 */
import { z } from 'zod'
import type { Basis, ExposureVerdicts } from './exposure/verdicts.ts'
import { FACTOR_IDS, type FactorId } from './factors.ts'
import type { ShiftWindow } from './shifts.ts'

/** ISO-8601 with a UTC offset, or epoch milliseconds. Omitted: the time ingest received the message. */
export const timestampSchema = z.union([
  z.iso.datetime({ offset: true }),
  z.number().int().min(0).max(8.64e15),
])

/** A device with more channels than this splits its batch into several messages. */
export const MAX_BATCH_READINGS = 64

const readingFields = {
  factor: z.enum(FACTOR_IDS),
  value: z.number(),
  unit: z.string().min(1).max(16),
  ts: timestampSchema.optional(),
}

/** One reading: `{"factor":"noise","value":87.5,"unit":"dBA","ts":"2026-11-23T08:00:00Z"}` */
export const singleReadingSchema = z.strictObject(readingFields)

/** A multi-channel device's readings taken together; `ts` applies to items that carry none. */
export const readingBatchSchema = z.strictObject({
  ts: timestampSchema.optional(),
  readings: z.array(z.strictObject(readingFields)).min(1).max(MAX_BATCH_READINGS),
})

export const sensorPayloadSchema = z.union([singleReadingSchema, readingBatchSchema])

export type SingleReadingPayload = z.infer<typeof singleReadingSchema>
export type ReadingBatchPayload = z.infer<typeof readingBatchSchema>
export type SensorPayload = z.infer<typeof sensorPayloadSchema>

/** A reading once accepted: ids from the topic, value in the factor's canonical unit, time in epoch ms. */
export interface Reading {
  facilityId: string
  sensorId: string
  factor: FactorId
  value: number
  time: number
}

/** How far a reading's timestamp may lie from ingest's clock. Older readings may arrive from a sensor's own buffer. */
export const MAX_READING_AGE_MS = 7 * 24 * 3_600_000
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

/**
 * One sensor's exposure to one factor in the current shift, as ingest publishes it on the live feed and
 * writes it to the store (`exposure` measurement). Values in the factor's canonical unit; dose in %.
 */
export interface ExposurePoint {
  facilityId: string
  sensorId: string
  factor: FactorId
  time: number
  shiftStart: number
  /**
   * The shift the figures are judged on, from the facility's pattern (planned length, next start, offset).
   * Ingest sends it on the live feed; the stores do not keep it: the API reads it from the registry.
   */
  shift?: ShiftWindow
  /** Share of the shift so far covered by readings, 0–1. */
  coverage: number
  /** Mean of the last 15 minutes. */
  stel?: number
  /** 8-h TWA so far; for noise the equivalent level of the dose. */
  twa?: number
  twaProjected?: number
  dose?: number
  doseProjected?: number
  lex8h?: number
  /** Mean of the last hour, for factors with a limit on it (heat stress: WBGT). */
  hourMean?: number
  /** What the shift figures rest on (core/exposure/verdicts.ts). Absent on points stored before #13. */
  basis?: Basis
  /** Each figure that has a limit, judged on its basis: exceeds, within or insufficient-data. */
  verdicts?: ExposureVerdicts
}
