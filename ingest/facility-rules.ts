import type { Logger } from 'pino'
import type { FacilityRules } from '../core/exposure/monitor.ts'
import { DEFAULT_PROFILE } from '../core/limits/index.ts'
import { DEFAULT_SHIFT_PATTERN, isUsableShiftPattern } from '../core/shifts.ts'
import type { Facility, Registry } from '../registry/types.ts'

/** The full refresh catches an announcement missed while ingest was disconnected from its broker. */
const REFRESH_MS = 60_000
/** Facilities read between two turns of the event loop: 3,400 at once held it up for 40 ms. */
const PAGE = 500
/** A facility id the registry did not know is not looked up again for this long: garbage cannot flood it. */
const UNKNOWN_RETRY_MS = 10_000
const MAX_REMEMBERED_UNKNOWN = 10_000

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

const DEFAULT_RULES: FacilityRules = { profile: DEFAULT_PROFILE, shifts: DEFAULT_SHIFT_PATTERN }

/**
 * Each facility's limit profile and shift pattern, kept in memory so judging a reading never waits for
 * the registry. The API announces each change of a facility on MQTT (`refreshFacility`, so a new pattern
 * reaches ingest at once; the exposure monitor applies it from the next shift); a periodic full refresh
 * catches anything missed. A facility it does not know yet (registered moments ago without an announcement,
 * by the CLI say) is looked up before its first reading is judged, which would otherwise open a shift on the
 * wrong pattern; one the registry does not know either gets the defaults (QCVN, three 8-hour shifts from
 * 06:00 Vietnam time).
 */
export async function createFacilityRules(
  registry: Registry,
  log: Logger,
  /** Told of each facility it did not know before, after the first full read. */
  onAdded: (facilityId: string) => void = () => {},
) {
  let rules = new Map<string, FacilityRules>()
  // Facilities announced while a full refresh reads its pages: their news is newer than the pages'.
  let announcedDuringRefresh: Set<string> | undefined
  const unknownSince = new Map<string, number>()

  function rulesFor(facility: Facility): FacilityRules {
    // The registry checks patterns as they come in; one kept from before that, unusable, must not stop ingest.
    if (isUsableShiftPattern(facility.shifts)) return { profile: facility.profile, shifts: facility.shifts }
    log.warn(
      { facilityId: facility.id, shifts: facility.shifts },
      'facility shift pattern unusable; judging it on the default shifts',
    )
    return { profile: facility.profile, shifts: DEFAULT_SHIFT_PATTERN }
  }

  async function refresh(): Promise<void> {
    const next = new Map<string, FacilityRules>()
    announcedDuringRefresh = new Set()
    try {
      for (let offset = 0; ; offset += PAGE) {
        const page = await registry.listFacilities({ limit: PAGE, offset })
        for (const facility of page.items) next.set(facility.id, rulesFor(facility))
        if (offset + PAGE >= page.total) break
        await nextTurn()
      }
      for (const facilityId of announcedDuringRefresh) {
        const announced = rules.get(facilityId)
        if (announced === undefined) next.delete(facilityId)
        else next.set(facilityId, announced)
      }
      const known = rules
      rules = next
      if (known.size > 0)
        for (const facilityId of next.keys()) if (!known.has(facilityId)) onAdded(facilityId)
    } finally {
      announcedDuringRefresh = undefined
    }
  }

  async function refreshFacility(facilityId: string): Promise<void> {
    const facility = await registry.getFacility(facilityId)
    announcedDuringRefresh?.add(facilityId)
    if (facility === undefined) return void rules.delete(facilityId)
    const known = rules.has(facilityId)
    rules.set(facilityId, rulesFor(facility))
    if (!known) onAdded(facilityId)
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
    /** Every facility it knows. */
    facilityIds: () => rules.keys(),
    refresh,
    refreshFacility,
    /** Whether to read the facility from the registry before judging a reading of it. */
    needsLookup(facilityId: string, now: number): boolean {
      if (rules.has(facilityId)) return false
      const since = unknownSince.get(facilityId)
      return since === undefined || now - since > UNKNOWN_RETRY_MS
    },
    async lookUp(facilityId: string, now: number): Promise<void> {
      await refreshFacility(facilityId)
      if (rules.has(facilityId)) return void unknownSince.delete(facilityId)
      if (unknownSince.size >= MAX_REMEMBERED_UNKNOWN) unknownSince.clear()
      unknownSince.set(facilityId, now)
    },
    close(): void {
      clearInterval(timer)
    },
  }
}
