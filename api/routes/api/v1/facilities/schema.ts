import { z } from 'zod'
import { FACTOR_IDS } from '../../../../../core/factors.ts'
import { DEFAULT_PROFILE, PROFILE_IDS } from '../../../../../core/limits/index.ts'
import { DEFAULT_SHIFT_PATTERN, isShiftStart } from '../../../../../core/shifts.ts'
import { idSchema } from '../common-schemas.ts'

export const shiftPatternSchema = z.object({
  starts: z
    .array(z.string().refine(isShiftStart, 'shift starts are local times HH:MM'))
    .min(1)
    .max(6)
    .readonly()
    .describe('Local start times of the shifts, e.g. ["06:00", "14:00", "22:00"]'),
  utcOffsetMinutes: z
    .number()
    .int()
    .min(-720)
    .max(840)
    .describe('Offset of local time from UTC; Vietnam: 420'),
})

export const facilitySchema = z.object({
  id: idSchema,
  name: z.string(),
  province: z.string(),
  sector: z.string(),
  address: z.string(),
  ownerId: idSchema.optional(),
  contractorIds: z.array(idSchema),
  hazards: z.array(z.enum(FACTOR_IDS)).describe('Hazardous factors present, which monitoring must cover'),
  profile: z.enum(PROFILE_IDS),
  shifts: shiftPatternSchema,
  workers: z.number().int(),
})

const text = (max: number) => z.string().trim().min(1).max(max)

const facilityFields = {
  name: text(200),
  province: text(100),
  sector: text(100).describe('Sector or industry code, e.g. garment, coal-mining'),
  address: z.string().trim().max(500),
  ownerId: idSchema,
  contractorIds: z.array(idSchema).max(50),
  hazards: z.array(z.enum(FACTOR_IDS)).max(FACTOR_IDS.length),
  profile: z.enum(PROFILE_IDS),
  shifts: shiftPatternSchema,
  workers: z.number().int().min(0).max(1_000_000),
}

export const facilityInputSchema = z.object({
  ...facilityFields,
  id: idSchema,
  address: facilityFields.address.default(''),
  ownerId: facilityFields.ownerId.optional(),
  contractorIds: facilityFields.contractorIds.default([]),
  hazards: facilityFields.hazards.default([]),
  profile: facilityFields.profile.default(DEFAULT_PROFILE),
  shifts: facilityFields.shifts.default(DEFAULT_SHIFT_PATTERN),
  workers: facilityFields.workers.default(0),
})

/** Only the fields given change; no defaults here, or a PATCH would reset what it does not mention. */
export const facilityPatchSchema = z.object(facilityFields).partial()

export const zoneSchema = z.object({
  id: idSchema,
  facilityId: idSchema,
  name: z.string(),
  limitVariant: z
    .string()
    .optional()
    .describe('A workplace variant of the profile, e.g. office (65 dBA, QCVN 24)'),
})

export const zoneInputSchema = zoneSchema.omit({ facilityId: true }).extend({ name: text(200) })

/** A CSV cell holding a list separated by semicolons: `noise;gas.co` → ['noise', 'gas.co']. */
function semicolonList<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .default('')
    .transform((cell) =>
      cell
        .split(';')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item))
}

/** One line of a facilities CSV; lists inside a cell are separated by semicolons. */
export const facilityCsvRowSchema = z.object({
  id: idSchema,
  name: text(200),
  province: text(100),
  sector: text(100),
  address: z.string().trim().max(500).default(''),
  hazards: semicolonList(z.enum(FACTOR_IDS)),
  profile: z
    .string()
    .default('')
    .transform((cell) => cell.trim() || DEFAULT_PROFILE)
    .pipe(z.enum(PROFILE_IDS)),
  shifts: semicolonList(z.string().refine(isShiftStart, 'shift starts are HH:MM')).transform((starts) =>
    starts.length === 0 ? DEFAULT_SHIFT_PATTERN : { ...DEFAULT_SHIFT_PATTERN, starts },
  ),
  workers: z.coerce.number().int().min(0).default(0),
  ownerId: z
    .string()
    .default('')
    .transform((cell) => cell.trim() || undefined)
    .pipe(idSchema.optional()),
  contractorIds: semicolonList(idSchema),
})

export const FACILITY_CSV_COLUMNS = Object.keys(facilityCsvRowSchema.shape)
