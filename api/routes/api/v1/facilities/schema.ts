import { z } from 'zod'
import { REPORT_UTC_OFFSET_MINUTES } from '../../../../../core/coverage/period.ts'
import { FACTOR_IDS } from '../../../../../core/factors.ts'
import { DEFAULT_PROFILE, PROFILE_IDS } from '../../../../../core/limits/index.ts'
import { PROVINCES_IN_FORCE_FROM, resolveProvince } from '../../../../../core/provinces/index.ts'
import { DEFAULT_SHIFT_PATTERN, isShiftStart } from '../../../../../core/shifts.ts'
import { idSchema } from '../common-schemas.ts'

/** A province as people write it: checked here so the 400 names the field; the registry keeps the current unit. */
export const provinceInputSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .superRefine((text, ctx) => {
    if (resolveProvince(text) !== undefined) return
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is no provincial unit of the list in force since ${PROVINCES_IN_FORCE_FROM} nor a former one (GET /api/v1/provinces lists them)`,
    })
  })
  .describe(
    'A current unit by name or 2-digit code; a former unit (before 2025-07-01) is mapped to its current one',
  )

/** A day in Vietnam time (`2019-03-01`, from its local midnight) or an instant with its offset. */
export const registeredAtSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((text) =>
    text.length === 10
      ? Date.parse(`${text}T00:00:00Z`) - REPORT_UTC_OFFSET_MINUTES * 60_000
      : Date.parse(text),
  )
  .refine((time) => time <= Date.now() + 86_400_000, 'a registration date may not lie in the future')
  .describe('Since when the facility is registered: 2019-03-01 (Vietnam time) or an ISO instant; default now')

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
  province: z.string().describe('A unit of the 34-province list in force since 2025-07-01'),
  provinceCode: z.string().describe("The unit's 2-digit statistics code; '' for an unchecked old record"),
  formerProvince: z.string().optional().describe('The pre-2025 unit the facility was registered under'),
  sector: z.string(),
  address: z.string(),
  ownerId: idSchema.optional(),
  contractorIds: z.array(idSchema),
  hazards: z.array(z.enum(FACTOR_IDS)).describe('Hazardous factors present, which monitoring must cover'),
  profile: z.enum(PROFILE_IDS),
  shifts: shiftPatternSchema,
  workers: z.number().int(),
  registeredAt: z.iso
    .datetime()
    .optional()
    .describe('Registered since: periods that ended before do not count the facility'),
})

/** A written facility, with what the registry read into its input (an old province mapped, say). */
export const facilityWriteSchema = facilitySchema.extend({
  notes: z.array(z.string()).optional().describe('How the input was read, e.g. an old province mapped'),
})

const text = (max: number) => z.string().trim().min(1).max(max)

const facilityFields = {
  name: text(200),
  province: provinceInputSchema,
  sector: text(100).describe('Sector or industry code, e.g. garment, coal-mining'),
  address: z.string().trim().max(500),
  ownerId: idSchema,
  contractorIds: z.array(idSchema).max(50),
  hazards: z.array(z.enum(FACTOR_IDS)).max(FACTOR_IDS.length),
  profile: z.enum(PROFILE_IDS),
  shifts: shiftPatternSchema,
  workers: z.number().int().min(0).max(1_000_000),
  registeredAt: registeredAtSchema,
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
  registeredAt: facilityFields.registeredAt.optional(),
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
  workers: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .describe('Workers at this zone or position: whom to examine when a factor exceeds its limit here'),
})

export const zoneInputSchema = zoneSchema.omit({ facilityId: true }).extend({ name: text(200) })

export const zonePatchSchema = z.strictObject({
  workers: zoneSchema.shape.workers.unwrap().nullable().describe('null forgets the count'),
})

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
  province: provinceInputSchema,
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
  registeredAt: z
    .string()
    .default('')
    .transform((cell) => cell.trim() || undefined)
    .pipe(registeredAtSchema.optional()),
})

export const FACILITY_CSV_COLUMNS = Object.keys(facilityCsvRowSchema.shape)
