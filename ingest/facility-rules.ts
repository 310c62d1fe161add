import type { Logger } from 'pino'
import { DEFAULT_PROFILE } from '../core/limits/index.ts'
import { DEFAULT_SHIFT_PATTERN } from '../core/shifts.ts'
import type { Registry } from '../registry/types.ts'
import type { FacilityRules } from './exposure-monitor.ts'

const REFRESH_MS = 30_000
const PAGE = 500

const DEFAULT_RULES: FacilityRules = { profile: DEFAULT_PROFILE, shifts: DEFAULT_SHIFT_PATTERN }

/**
 * Each facility's limit profile and shift pattern, kept in memory so judging a reading never waits for
 * the registry. Refreshed on a timer; a facility the registry does not know gets the defaults (QCVN,
 * three 8-hour shifts from 06:00 Vietnam time).
 */
export async function createFacilityRules(registry: Registry, log: Logger) {
  let rules = new Map<string, FacilityRules>()

  async function refresh(): Promise<void> {
    const next = new Map<string, FacilityRules>()
    for (let offset = 0; ; offset += PAGE) {
      const page = await registry.listFacilities({ limit: PAGE, offset })
      for (const facility of page.items)
        next.set(facility.id, { ...DEFAULT_RULES, profile: facility.profile })
      if (offset + PAGE >= page.total) break
    }
    rules = next
  }

  await refresh()
  const timer = setInterval(() => {
    refresh().catch((err) => log.warn({ err }, 'could not refresh facility rules; keeping the previous ones'))
  }, REFRESH_MS)
  timer.unref()

  return {
    rulesOf(facilityId: string): FacilityRules {
      return rules.get(facilityId) ?? DEFAULT_RULES
    },
    refresh,
    close(): void {
      clearInterval(timer)
    },
  }
}
