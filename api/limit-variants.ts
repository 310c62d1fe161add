import { type ProfileId, variantsOf } from '../core/limits/index.ts'
import type { Registry } from '../registry/types.ts'
import { badRequest, HttpError } from './http-errors.ts'

/** 400 unless `variant` is absent or one of the profile's workplace variants, which the message lists. */
export function assertVariantOf(profile: ProfileId, variant: string | null | undefined): void {
  if (variant === undefined || variant === null || variantsOf(profile).includes(variant)) return
  throw badRequest(`profile ${profile} has no variant ${variant} (known: ${variantsOf(profile).join(', ')})`)
}

/**
 * 409 when a facility's zones or sensors name variants the new profile lacks: ingest would have no limits
 * to judge them by. They are changed first, then the profile.
 */
export async function assertVariantsFitProfile(
  registry: Registry,
  facilityId: string,
  profile: ProfileId,
): Promise<void> {
  const known = new Set(variantsOf(profile))
  const zones = (await registry.listZones(facilityId)).filter(
    (zone) => zone.limitVariant !== undefined && !known.has(zone.limitVariant),
  )
  const sensors = await registry.listSensors({ facilityIds: [facilityId], limit: 10_000, offset: 0 })
  const misfits = [
    ...zones.map((zone) => `zone ${zone.id} (${zone.limitVariant})`),
    ...sensors.items
      .filter((s) => s.sensorLimitVariant !== undefined && !known.has(s.sensorLimitVariant))
      .map((s) => `sensor ${s.id} (${s.sensorLimitVariant})`),
  ]
  if (misfits.length === 0) return
  throw new HttpError(
    409,
    `profile ${profile} has no variant for ${misfits.join(', ')}: change their variants first (known: ${[...known].join(', ') || 'none'})`,
  )
}
