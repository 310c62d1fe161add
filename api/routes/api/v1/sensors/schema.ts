import { z } from 'zod'
import { FACTOR_IDS } from '../../../../../core/factors.ts'
import { isServiceClientId, SERVICE_CLIENT_ID_PREFIX } from '../../../../../core/topics.ts'
import { idSchema, instantSchema } from '../../../../schemas/common.ts'

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
