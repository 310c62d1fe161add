import { z } from 'zod'
import {
  ALERT_KINDS,
  ALERT_LEVELS,
  ALERT_STATES,
  type Alert,
  alertJson,
  RESOLUTION_REASONS,
} from '../../../../../core/alerts.ts'
import { FACTOR_IDS } from '../../../../../core/factors.ts'
import { idSchema, instantSchema, isoTime, pageQuerySchema } from '../common-schemas.ts'

const actorSchema = z.object({
  keyId: z
    .string()
    .optional()
    .describe('The API key that acted; absent on acknowledgements made before keys identified people'),
  name: z.string().describe("The key's name"),
})

export const alertSchema = z.object({
  id: z.string(),
  facilityId: z.string(),
  sensorId: z.string(),
  factor: z.enum(FACTOR_IDS),
  kind: z.enum(ALERT_KINDS),
  level: z.enum(ALERT_LEVELS),
  state: z.enum(ALERT_STATES),
  value: z.number().describe('The worst value while it was active'),
  limit: z.number(),
  unit: z.string(),
  source: z.string(),
  message: z.string(),
  openedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  clearedAt: z.iso.datetime().optional().describe('When the measurements came back inside the clear band'),
  acknowledgements: z
    .array(
      z.object({
        by: actorSchema,
        at: z.iso.datetime(),
        level: z
          .enum(ALERT_LEVELS)
          .describe('The level acknowledged: a higher one can be acknowledged again'),
        note: z.string().optional(),
      }),
    )
    .describe('Everyone who acknowledged it, oldest first'),
  resolution: z
    .object({
      by: actorSchema,
      at: z.iso.datetime(),
      reason: z.enum(RESOLUTION_REASONS),
      note: z.string().optional(),
    })
    .optional()
    .describe('Set once a person has closed the alert'),
})

export function alertResponse(alert: Alert): z.input<typeof alertSchema> {
  return alertJson(alert)
}

/** Free text a person adds: printable, line breaks allowed, no other control characters. */
export const noteSchema = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .refine(
    (text) => !/[\p{Cc}]/u.test(text.replace(/[\r\n\t]/g, '')),
    'a note may not hold control characters',
  )

export const alertParams = z.strictObject({ alertId: z.uuid() })

export const acknowledgeBodySchema = z
  .strictObject({ note: noteSchema.optional().describe('What was done about it') })
  .describe("Who acknowledges is the API key's owner (its name and id), never a name given here")

export const resolveBodySchema = z
  .strictObject({
    reason: z.enum(RESOLUTION_REASONS).describe('Why the alert is closed'),
    note: noteSchema.optional().describe('What was found or done; required for `other`'),
  })
  .refine((body) => body.reason !== 'other' || body.note !== undefined, {
    message: 'a resolution for the reason `other` needs a note saying what it was',
    path: ['note'],
  })

export const alertQuerySchema = z
  .strictObject({
    ...pageQuerySchema.shape,
    facility: idSchema.optional(),
    sensor: idSchema.optional(),
    factor: z.enum(FACTOR_IDS).optional(),
    kind: z.enum(ALERT_KINDS).optional(),
    level: z.enum(ALERT_LEVELS).optional(),
    state: z
      .enum(['active', ...ALERT_STATES])
      .optional()
      .describe('active = open or acknowledged; omitted = every state'),
    reason: z.enum(RESOLUTION_REASONS).optional().describe('resolved with this reason'),
    from: instantSchema.optional().describe('alerts active at some time from here (ISO-8601 or epoch ms)'),
    to: instantSchema.optional().describe('… until here, exclusive: opened before it'),
    format: z.enum(['json', 'csv']).optional().describe('csv: every matching alert, without paging'),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, {
    message: '`from` must be before `to`',
    path: ['from'],
  })

export const ALERT_CSV_COLUMNS = [
  'id',
  'facility',
  'sensor',
  'factor',
  'kind',
  'level',
  'state',
  'value',
  'limit',
  'unit',
  'opened_at',
  'cleared_at',
  'acknowledged_at',
  'acknowledged_by',
  'acknowledgement_notes',
  'resolved_at',
  'resolved_by',
  'resolved_by_key',
  'reason',
  'resolution_note',
  'source',
  'message',
] as const

/** One alert as a CSV row, in ALERT_CSV_COLUMNS order; several acknowledgements are joined with "; ". */
export function alertCsvRow(alert: Alert): (string | number | undefined)[] {
  const acknowledgements = alert.acknowledgements ?? []
  const notes = acknowledgements.flatMap((a) => (a.note === undefined ? [] : [a.note]))
  return [
    alert.id,
    alert.facilityId,
    alert.sensorId,
    alert.factor,
    alert.kind,
    alert.level,
    alert.state,
    alert.value,
    alert.limit,
    alert.unit,
    isoTime(alert.openedAt),
    isoTime(alert.clearedAt),
    isoTime(acknowledgements[0]?.at),
    acknowledgements.map((a) => a.by.name).join('; ') || undefined,
    notes.join('; ') || undefined,
    isoTime(alert.resolution?.at),
    alert.resolution?.by.name,
    alert.resolution?.by.keyId,
    alert.resolution?.reason,
    alert.resolution?.note,
    alert.source,
    alert.message,
  ]
}
