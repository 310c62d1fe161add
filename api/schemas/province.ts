import { z } from 'zod'
import { PROVINCES_IN_FORCE_FROM, resolveProvince } from '../../core/provinces/index.ts'

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
