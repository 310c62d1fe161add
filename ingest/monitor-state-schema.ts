import { z } from 'zod'
import { ALERT_KINDS, ALERT_LEVELS, ALERT_STATES, type Alert, RESOLUTION_REASONS } from '../core/alerts.ts'
import type { AlertTrackerData, SavedSlot } from '../core/exposure/alert-tracker.ts'
import type { ExposureStateData } from '../core/exposure/evaluator.ts'
import type { SavedEvaluator } from '../core/exposure/monitor.ts'
import { FACTOR_IDS } from '../core/factors.ts'
import type { ShiftWindow } from '../core/shifts.ts'

/**
 * The exposure monitor's state as ingest saves it in the registry (plain JSON), checked when it is read
 * back: a corrupt value, or one saved by a version whose shape this one does not know, is refused here
 * rather than half-restored into an evaluator that throws or computes from garbage.
 */

const rollingWindowSchema = z
  .object({
    windowMs: z.number().int().positive(),
    bucketMs: z.number().int().positive(),
    newest: z.number().int(),
    sums: z.array(z.number()),
    measured: z.array(z.number()),
  })
  .refine(
    (w) =>
      w.windowMs % w.bucketMs === 0 &&
      w.sums.length === w.windowMs / w.bucketMs + 1 &&
      w.measured.length === w.sums.length,
    'the buckets do not fit the window',
  )

const exposureStateSchema = z.object({
  version: z.literal(1),
  factor: z.enum(FACTOR_IDS),
  shiftStart: z.number(),
  first: z.number().nullable(),
  lastTime: z.number().nullable(),
  lastValue: z.number().nullable(),
  samples: z.number(),
  duplicates: z.number(),
  outOfOrder: z.number(),
  measuredMs: z.number(),
  gapMs: z.number(),
  exposure: z.number(),
  dose: z.number(),
  actionDose: z.number(),
  max: z.number().nullable(),
  min: z.number().nullable().optional(),
  longestGapMs: z.number().optional(),
  maxWindowMean: z.number().nullable(),
  maxWindowAt: z.number().nullable(),
  window: rollingWindowSchema,
  hourWindow: rollingWindowSchema.optional(),
  maxHourMean: z.number().nullable().optional(),
  maxHourMeanAt: z.number().nullable().optional(),
}) satisfies z.ZodType<ExposureStateData>

const shiftWindowSchema = z.object({
  start: z.number(),
  end: z.number(),
  hours: z.number().positive(),
  utcOffsetMinutes: z.number(),
}) satisfies z.ZodType<ShiftWindow>

export const savedEvaluatorSchema = z
  .object({
    key: z.object({ facilityId: z.string(), sensorId: z.string(), factor: z.enum(FACTOR_IDS) }),
    estimated: z.boolean(),
    evaluator: exposureStateSchema,
    shift: shiftWindowSchema.optional(),
  })
  // What ExposureEvaluator.fromJSON would otherwise throw on, with every other evaluator unrestored.
  .refine(
    (saved) =>
      saved.evaluator.factor === saved.key.factor &&
      (saved.shift === undefined || saved.shift.start === saved.evaluator.shiftStart),
    'the evaluator is of another factor or shift than its key',
  ) satisfies z.ZodType<SavedEvaluator>

const actorSchema = z.object({ keyId: z.string().optional(), name: z.string() })

const alertSchema = z.object({
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
  openedAt: z.number(),
  updatedAt: z.number(),
  clearedAt: z.number().optional(),
  acknowledgements: z
    .array(
      z.object({ by: actorSchema, at: z.number(), level: z.enum(ALERT_LEVELS), note: z.string().optional() }),
    )
    .optional(),
  resolution: z
    .object({
      by: actorSchema,
      at: z.number(),
      reason: z.enum(RESOLUTION_REASONS),
      note: z.string().optional(),
    })
    .optional(),
}) satisfies z.ZodType<Alert>

const slotSchema = z.object({
  alertId: z.string().optional(),
  pendingSince: z.number().optional(),
  clearSince: z.number().optional(),
})

/** The alert tracker's state whole: as a partition saves it, and as versions before #21 saved it. */
export const alertTrackerStateSchema = z.object({
  slots: z.array(z.tuple([z.string(), slotSchema])),
  alerts: z.array(alertSchema),
}) satisfies z.ZodType<AlertTrackerData>

/** One slot of the alert tracker, saved on its own: with the alert it follows, and only that one. */
export const savedSlotSchema = z
  .object({ key: z.string(), slot: slotSchema, alert: alertSchema.optional() })
  .refine(
    ({ slot, alert }) => slot.alertId === alert?.id,
    'the slot does not follow the alert saved with it',
  ) satisfies z.ZodType<SavedSlot>
