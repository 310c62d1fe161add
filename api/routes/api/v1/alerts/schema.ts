import { z } from 'zod'
import {
  ALERT_KINDS,
  ALERT_LEVELS,
  ALERT_STATES,
  type Alert,
  RESOLUTION_REASONS,
} from '../../../../../core/alerts.ts'
import { FACTOR_IDS } from '../../../../../core/factors.ts'
import { ALERT_SORTS } from '../../../../../registry/types.ts'
import { noteSchema } from '../../../../schemas/alert.ts'
import { idSchema, instantSchema, isoTime, pageQuerySchema } from '../../../../schemas/common.ts'

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
    sort: z
      .enum(ALERT_SORTS)
      .optional()
      .describe(
        'newest (default): newest opened first; severity: critical, alarm, warning, each newest first',
      ),
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
