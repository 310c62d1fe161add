import { z } from 'zod'
import { CHECKLIST_ITEMS, COMMISSIONING_STATES } from '../../../../../core/commissioning.ts'
import { FACTOR_IDS } from '../../../../../core/factors.ts'
import { isServiceClientId, SERVICE_CLIENT_ID_PREFIX } from '../../../../../core/topics.ts'
import { SENSOR_STATUSES } from '../../../../../registry/types.ts'
import { idSchema, instantSchema } from '../../../../schemas/common.ts'

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

const sensorFields = {
  zoneId: idSchema,
  model: z.string().trim().min(1).max(100),
  serial: z.string().trim().max(100),
  factors: z.array(z.enum(FACTOR_IDS)).min(1).max(FACTOR_IDS.length),
  calibratedAt: instantSchema,
  calibrationDue: instantSchema,
  reportingIntervalS: z.number().int().min(1).max(86_400).describe('Seconds between readings'),
  sensorLimitVariant: z
    .string()
    .max(50)
    .describe(
      "A workplace variant of the facility's profile for this sensor alone, overriding its zone's (e.g. office: 65 dBA under QCVN 24); applies from the sensor's next shift",
    ),
}

export const sensorInputSchema = z.object({
  ...sensorFields,
  // The sensor's id is its MQTT client id; `quantrac-…` ids are the services' (core/topics.ts).
  id: idSchema.refine(
    (id) => !isServiceClientId(id),
    `ids starting with "${SERVICE_CLIENT_ID_PREFIX}" are reserved for quantrac's services`,
  ),
  facilityId: idSchema,
  zoneId: sensorFields.zoneId.optional(),
  serial: sensorFields.serial.default(''),
  calibratedAt: sensorFields.calibratedAt.optional(),
  calibrationDue: sensorFields.calibrationDue.optional(),
  reportingIntervalS: sensorFields.reportingIntervalS.default(60),
  sensorLimitVariant: sensorFields.sensorLimitVariant.optional(),
})

/** Only the fields given change; no defaults here, or a PATCH would reset what it does not mention. */
export const sensorPatchSchema = z
  .object({
    ...sensorFields,
    sensorLimitVariant: sensorFields.sensorLimitVariant
      .nullable()
      .describe('null: back to the zone’s variant'),
  })
  .partial()

export const credentialsSchema = z.object({
  username: z
    .string()
    .describe('MQTT user name, and the client id the sensor must connect with: the sensor id'),
  password: z.string().describe('MQTT password: shown once, stored only as a slow hash'),
  topic: z.string().describe('The one topic this sensor may publish to'),
  deviceConfig: z
    .string()
    .describe(
      'JSON to load into the device: broker (QUANTRAC_SENSOR_BROKER_URL), clientId, username, password, topic, qos, reportingIntervalS, factors',
    ),
  qrCode: z.string().describe('deviceConfig as a QR code: a PNG data: URL'),
})
