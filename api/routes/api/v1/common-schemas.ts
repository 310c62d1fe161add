import { z } from 'zod'
import { ALERT_KINDS, ALERT_LEVELS, ALERT_STATES } from '../../../../core/alerts.ts'
import { FACTOR_IDS } from '../../../../core/factors.ts'
import { ID_PATTERN } from '../../../../core/topics.ts'

export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'ids are 1–64 letters, digits, "_", "-" or ".", starting with a letter or digit')

export const pageQuerySchema = z.object({
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

/** ISO-8601 or epoch milliseconds, turned into epoch milliseconds. */
export const instantSchema = z
  .union([z.iso.datetime({ offset: true }), z.coerce.number().int().min(0)])
  .transform((value) => (typeof value === 'number' ? value : Date.parse(value)))

export const readingSchema = z.object({
  facilityId: z.string(),
  sensorId: z.string(),
  factor: z.enum(FACTOR_IDS),
  value: z.number(),
  unit: z.string(),
  time: z.iso.datetime(),
})

export const alertSchema = z.object({
  id: z.string(),
  facilityId: z.string(),
  sensorId: z.string(),
  factor: z.enum(FACTOR_IDS),
  kind: z.enum(ALERT_KINDS),
  level: z.enum(ALERT_LEVELS),
  state: z.enum(ALERT_STATES),
  value: z.number(),
  limit: z.number(),
  unit: z.string(),
  source: z.string(),
  message: z.string(),
  openedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  clearedAt: z.iso.datetime().optional(),
  acknowledgedAt: z.iso.datetime().optional(),
  acknowledgedBy: z.string().optional(),
  note: z.string().optional(),
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
