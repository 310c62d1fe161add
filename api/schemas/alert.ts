import { z } from 'zod'
import {
  ALERT_KINDS,
  ALERT_LEVELS,
  ALERT_STATES,
  type Alert,
  alertJson,
  RESOLUTION_REASONS,
} from '../../core/alerts.ts'
import { FACTOR_IDS } from '../../core/factors.ts'

const actorSchema = z.object({
  keyId: z
    .string()
    .optional()
    .describe('The API key that acted; absent on acknowledgements made before keys identified people'),
  name: z.string().describe("The key's name"),
})

/** An alert as the API answers it and the live feed emits it (`alert`, and inside a `notice`). */
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
  texts: z
    .object({
      vi: z.object({ message: z.string(), source: z.string() }),
      en: z.object({ message: z.string(), source: z.string() }),
    })
    .describe('The alert in words and its limit source, per language, from its fields (core/messages)'),
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
