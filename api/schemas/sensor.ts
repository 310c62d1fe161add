import { z } from 'zod'
import { assessCommissioning, CHECKLIST_ITEMS, COMMISSIONING_STATES } from '../../core/commissioning.ts'
import { FACTOR_IDS } from '../../core/factors.ts'
import { SENSOR_STATUSES, type Sensor } from '../../registry/types.ts'
import { idSchema, isoTime } from './common.ts'

export const commissioningSchema = z
  .object({
    state: z.enum(COMMISSIONING_STATES),
    commissionedAt: z.iso
      .datetime()
      .optional()
      .describe(
        'When the checklist was met; absent for a sensor counted as commissioned since before it was tracked',
      ),
    checklist: z.array(z.object({ item: z.enum(CHECKLIST_ITEMS), met: z.boolean(), detail: z.string() })),
    firstReadingAt: z.iso.datetime().optional(),
    missingFactors: z.array(z.enum(FACTOR_IDS)).describe('Registered factors without a valid reading yet'),
    observedMinutes: z
      .number()
      .int()
      .describe('Minutes the reporting interval has been kept without a longer gap (60 needed)'),
  })
  .describe('Only commissioned sensors count for coverage; the checklist is judged now, on what ingest saw')

export const sensorSchema = z.object({
  id: idSchema,
  facilityId: idSchema,
  zoneId: idSchema.optional(),
  zone: z.string(),
  limitVariant: z
    .string()
    .optional()
    .describe("The limit variant its readings are judged by: the sensor's own, else its zone's"),
  sensorLimitVariant: z.string().optional().describe('A variant set on the sensor itself'),
  zoneLimitVariant: z.string().optional().describe("Its zone's variant"),
  model: z.string(),
  serial: z.string(),
  factors: z.array(z.enum(FACTOR_IDS)),
  calibratedAt: z.iso.datetime().optional(),
  calibrationDue: z.iso.datetime().optional(),
  calibrationOverdue: z.boolean().describe('The calibration due date has passed'),
  status: z.enum(SENSOR_STATUSES),
  reportingIntervalS: z.number().int(),
  hasCredentials: z.boolean(),
  lastSeenAt: z.iso.datetime().optional(),
  commissioning: commissioningSchema,
})

function commissioningResponse(sensor: Sensor, now: number) {
  const progress = sensor.commissioning
  const assessment = assessCommissioning(sensor, progress, now)
  return {
    state: assessment.state,
    // 0: counted as commissioned since before commissioning was tracked (registry migration 020).
    commissionedAt: progress.commissionedAt ? isoTime(progress.commissionedAt) : undefined,
    checklist: assessment.checklist,
    firstReadingAt: isoTime(progress.firstReadingAt),
    missingFactors: assessment.missingFactors,
    observedMinutes: Math.floor(assessment.observedMs / 60_000),
  }
}

export function sensorResponse(sensor: Sensor, now = Date.now()) {
  return {
    ...sensor,
    calibratedAt: isoTime(sensor.calibratedAt),
    calibrationDue: isoTime(sensor.calibrationDue),
    calibrationOverdue: sensor.calibrationDue !== undefined && sensor.calibrationDue < now,
    lastSeenAt: isoTime(sensor.lastSeenAt),
    commissioning: commissioningResponse(sensor, now),
  }
}
