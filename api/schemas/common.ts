import { z } from 'zod'
import { FACTOR_IDS } from '../../core/factors.ts'
import { ID_PATTERN } from '../../core/topics.ts'

export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'ids are 1–64 letters, digits, "_", "-" or ".", starting with a letter or digit')

/** Query strings are strict everywhere (plugins/app/strict-query.ts): extend this one, or z.strictObject. */
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Items per page, 1–500'),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip'),
})

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
}

/**
 * The last instant every part holds: InfluxDB counts nanoseconds in an int64, so it ends at
 * 2262-04-11T23:47:16.854Z; a Date would go on to +275760, but a later time could then be neither stored in
 * InfluxDB nor asked of it (its parser refuses a later time literal: the API answered 500).
 */
export const MAX_INSTANT = 9_223_372_036_854

const epochMs = z
  .number()
  .int()
  .min(0, 'a time in epoch milliseconds is 0 or later')
  .max(
    MAX_INSTANT,
    `a time is at most ${MAX_INSTANT} ms (2262-04-11T23:47:16.854Z), the last the store holds`,
  )

/**
 * ISO-8601 with an offset, or epoch milliseconds (a number, or digits in a query string), turned into epoch
 * milliseconds; anything a Date cannot hold is refused here, so it is never stored.
 */
export const instantSchema = z.union(
  [
    z.iso
      .datetime({ offset: true })
      .transform((text) => Date.parse(text))
      .pipe(epochMs),
    epochMs,
    z
      .string()
      .regex(/^\d{1,16}$/)
      .transform(Number)
      .pipe(epochMs),
  ],
  { error: `a time is ISO-8601 with an offset, or epoch milliseconds from 0 to ${MAX_INSTANT}` },
)

export const readingSchema = z.object({
  facilityId: z.string(),
  sensorId: z.string(),
  factor: z.enum(FACTOR_IDS),
  value: z.number(),
  unit: z.string(),
  time: z.iso.datetime(),
})

export const errorSchema = z.object({
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
})

/** Epoch ms as ISO-8601 for responses; undefined stays undefined. */
export function isoTime(time: number | undefined): string | undefined {
  return time === undefined ? undefined : new Date(time).toISOString()
}
