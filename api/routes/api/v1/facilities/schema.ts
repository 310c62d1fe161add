import { z } from 'zod'
import { REPORT_UTC_OFFSET_MINUTES } from '../../../../../core/coverage/period.ts'
import { FACTOR_IDS } from '../../../../../core/factors.ts'
import { DEFAULT_PROFILE, PROFILE_IDS } from '../../../../../core/limits/index.ts'
import {
  DEFAULT_SHIFT_PATTERN,
  isShiftStart,
  MAX_UTC_OFFSET_MINUTES,
  MIN_UTC_OFFSET_MINUTES,
} from '../../../../../core/shifts.ts'
import { idSchema } from '../../../../schemas/common.ts'
import { provinceInputSchema } from '../../../../schemas/province.ts'

/** 12 starts make 2-hour shifts: more is a typing error, not a pattern. */
const MAX_SHIFT_STARTS = 12

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

const shiftStartSchema = z.string().refine(isShiftStart, 'shift starts are local times HH:MM')

/** Starts in increasing order, each once: a shift runs from its start to the next one's. */
function increasing(starts: readonly string[]): boolean {
  return starts.every((start, i) => i === 0 || start > starts[i - 1]!)
}
const INCREASING =
  'shift starts must be in increasing order, each once: a shift ends where the next one starts'

export const shiftPatternSchema = z.object({
  starts: z
    .array(shiftStartSchema)
    .min(1)
    .max(MAX_SHIFT_STARTS)
    .readonly()
    .refine(increasing, INCREASING)
    .describe(
      'Local start times of the shifts, in increasing order: ["06:00", "14:00", "22:00"] for three 8-hour shifts, ' +
        '["07:30", "19:30"] for two 12-hour ones. Each shift ends where the next starts; one longer than 12 h ' +
        '(a single start a day) is planned as 8 h',
    ),
  utcOffsetMinutes: z
    .number()
    .int()
    .min(MIN_UTC_OFFSET_MINUTES)
    .max(MAX_UTC_OFFSET_MINUTES)
    .describe('Offset of local time from UTC, −720 (UTC−12:00) to 840 (UTC+14:00); Vietnam: 420'),
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
  shiftsOfDay: z
    .array(z.object({ start: z.string(), end: z.string(), hours: z.number() }))
    .describe('The shifts the pattern declares, in local time, with their planned hours'),
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

/** Only the fields given change. */
export const zonePatchSchema = z
  .strictObject({
    name: text(200).optional(),
    workers: zoneSchema.shape.workers.unwrap().nullable().optional().describe('null forgets the count'),
  })
  .refine((patch) => patch.name !== undefined || patch.workers !== undefined, 'name or workers: required')

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

/** `+07:00`, `-05:30`: a UTC offset as people write it, in minutes. */
const utcOffsetCell = z
  .string()
  .default('')
  .transform((cell) => cell.trim() || '+07:00')
  .pipe(z.string().regex(/^[+-]\d{2}:[0-5]\d$/, 'a UTC offset is ±HH:MM, e.g. +07:00'))
  .transform(
    (text) => (text[0] === '-' ? -1 : 1) * (Number(text.slice(1, 3)) * 60 + Number(text.slice(4, 6))),
  )
  .pipe(
    z
      .number()
      .min(MIN_UTC_OFFSET_MINUTES, 'UTC offsets start at -12:00')
      .max(MAX_UTC_OFFSET_MINUTES, 'UTC offsets end at +14:00'),
  )

const facilityCsvFields = z.object({
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
  shifts: semicolonList(shiftStartSchema).pipe(
    z.array(z.string()).max(MAX_SHIFT_STARTS).refine(increasing, INCREASING),
  ),
  shiftsUtcOffset: utcOffsetCell,
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

/**
 * One line of a facilities CSV; lists inside a cell are separated by semicolons. `shifts` `07:30;19:30` with
 * `shiftsUtcOffset` `+07:00` (the default); no starts: three 8-hour shifts from 06:00.
 */
export const facilityCsvRowSchema = facilityCsvFields.transform(({ shifts, shiftsUtcOffset, ...row }) => ({
  ...row,
  shifts:
    shifts.length === 0
      ? { ...DEFAULT_SHIFT_PATTERN, utcOffsetMinutes: shiftsUtcOffset }
      : { starts: shifts, utcOffsetMinutes: shiftsUtcOffset },
}))

export const FACILITY_CSV_COLUMNS = Object.keys(facilityCsvFields.shape)
