import type { Logger } from 'pino'
import { DEFAULT_PROFILE, type ProfileId } from '../core/limits/index.ts'
import type { Registry } from '../registry/types.ts'

const REFRESH_MS = 30_000
const PAGE = 500

/**
 * Which limit profile each facility uses, kept in memory so judging a reading never waits for the
 * registry. Refreshed on a timer; a facility the registry does not know is judged by the default profile.
 */
export async function createProfileDirectory(registry: Registry, log: Logger) {
  let profiles = new Map<string, ProfileId>()

  async function refresh(): Promise<void> {
    const next = new Map<string, ProfileId>()
    for (let offset = 0; ; offset += PAGE) {
      const page = await registry.listFacilities({ limit: PAGE, offset })
      for (const facility of page.items) next.set(facility.id, facility.profile)
      if (offset + PAGE >= page.total) break
    }
    profiles = next
  }

  await refresh()
  const timer = setInterval(() => {
    refresh().catch((err) => log.warn({ err }, 'could not refresh facility profiles; keeping the previous ones'))
  }, REFRESH_MS)
  timer.unref()

  return {
    profileOf(facilityId: string): ProfileId {
      return profiles.get(facilityId) ?? DEFAULT_PROFILE
    },
    refresh,
    close(): void {
      clearInterval(timer)
    },
  }
}
