import type { Logger } from 'pino'
import type { Calibration } from '../core/exposure/index.ts'
import type { FactorId } from '../core/factors.ts'
import type { SensorAddress } from '../core/topics.ts'
import type { Registry, SensorAccess } from '../registry/types.ts'
import type { Rejection } from './decode.ts'

const REFRESH_MS = 60_000
/** A sensor id the registry did not know is not looked up again for this long: garbage cannot flood it. */
const UNKNOWN_RETRY_MS = 10_000
const MAX_REMEMBERED_UNKNOWN = 10_000
/** A sensor that misses this many reporting intervals is offline. */
export const MISSED_INTERVALS_OFFLINE = 3
const LAST_SEEN_FLUSH_MS = 30_000
/**
 * The full refresh and the last-seen flush go in pieces this large, giving the event loop back between
 * them: done at once for 5,000 sensors they held up readings and alerts for 60–110 ms, and a page of 500
 * of the refresh took 5–15 ms at 100,000 sensors.
 */
const PIECE = 200

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

function takePiece<K, V>(entries: Iterator<[K, V]>): Map<K, V> {
  const piece = new Map<K, V>()
  for (let step = entries.next(); !step.done; step = entries.next()) {
    piece.set(step.value[0], step.value[1])
    if (piece.size === PIECE) break
  }
  return piece
}

/**
 * The registered sensors, in memory so admitting a message costs a map lookup. The API announces each
 * change on MQTT (`refreshSensor`); a periodic full refresh catches anything missed. Last-seen times are
 * gathered here and written to the registry in batches.
 */
export async function createSensorDirectory(registry: Registry, log: Logger) {
  let sensors = new Map<string, SensorAccess>()
  let lastSeen = new Map<string, number>()
  const unknownSince = new Map<string, number>()

  // Sensors announced while a full refresh reads its pages: their news is newer than the pages'.
  let announcedDuringRefresh: Set<string> | undefined

  async function refresh(): Promise<void> {
    const next = new Map<string, SensorAccess>()
    announcedDuringRefresh = new Set()
    try {
      for (let afterId = ''; ; await nextTurn()) {
        const page = await registry.sensorAccessPage(afterId, PIECE)
        for (const access of page) next.set(access.id, access)
        if (page.length < PIECE) break
        afterId = page[page.length - 1]!.id
      }
      for (const sensorId of announcedDuringRefresh) {
        const announced = sensors.get(sensorId)
        if (announced === undefined) next.delete(sensorId)
        else next.set(sensorId, announced)
      }
      sensors = next
    } finally {
      announcedDuringRefresh = undefined
    }
  }

  async function refreshSensor(sensorId: string): Promise<void> {
    const access = await registry.sensorAccess(sensorId)
    announcedDuringRefresh?.add(sensorId)
    if (access === undefined) sensors.delete(sensorId)
    else sensors.set(sensorId, access)
  }

  async function flushLastSeen(): Promise<void> {
    // Taken a piece at a time, not copied whole first: copying 100,000 entries was a stall of its own.
    const batch = lastSeen.entries()
    lastSeen = new Map()
    for (let piece = takePiece(batch); piece.size > 0; piece = takePiece(batch)) {
      await registry.recordLastSeen(piece)
      await nextTurn()
    }
  }

  await refresh()
  const timers = [
    setInterval(
      () => refresh().catch((err) => log.warn({ err }, 'could not refresh the sensor directory')),
      REFRESH_MS,
    ),
    setInterval(
      () => flushLastSeen().catch((err) => log.warn({ err }, 'could not record last-seen times')),
      LAST_SEEN_FLUSH_MS,
    ),
  ]

  return {
    /** Whether a message from this address may be read at all; the reason when not. */
    admit({ facilityId, sensorId }: SensorAddress): Rejection | undefined {
      const access = sensors.get(sensorId)
      if (access === undefined)
        return { reason: 'unknown-sensor', detail: `sensor ${sensorId} is not registered` }
      if (access.facilityId !== facilityId) {
        return {
          reason: 'unknown-sensor',
          detail: `sensor ${sensorId} is registered to facility ${access.facilityId}, not ${facilityId}`,
        }
      }
      if (access.status === 'decommissioned') {
        return { reason: 'decommissioned', detail: `sensor ${sensorId} is decommissioned` }
      }
      return undefined
    },
    /** The factors a registered sensor may send; undefined for one the directory does not know. */
    factorsOf({ sensorId }: SensorAddress): readonly FactorId[] | undefined {
      return sensors.get(sensorId)?.factors
    },
    /** What the registry says of a sensor; undefined for one the directory does not know. */
    accessOf(sensorId: string): SensorAccess | undefined {
      return sensors.get(sensorId)
    },
    /** The limit variant of the sensor's zone, if it has one. */
    limitVariantOf(sensorId: string): string | undefined {
      return sensors.get(sensorId)?.limitVariant
    },
    /** Whether the sensor's calibration was in date at `time`; `unknown` without a registered due date. */
    calibrationOf(sensorId: string, time: number): Calibration {
      const due = sensors.get(sensorId)?.calibrationDue
      if (due === undefined) return 'unknown'
      return time > due ? 'lapsed' : 'in-date'
    },
    /**
     * How long a sensor may stay silent before it counts as offline; undefined for unregistered ones. A
     * decommissioned sensor is silent for good and never offline, so its open offline alert clears (a
     * simulated fleet's, after `simulate --decommission`, stayed open for ever).
     */
    offlineAfterMs(sensorId: string): number | undefined {
      const access = sensors.get(sensorId)
      if (access?.status === 'decommissioned') return Number.POSITIVE_INFINITY
      return access && access.reportingIntervalS * 1000 * MISSED_INTERVALS_OFFLINE
    },
    seen(sensorId: string, time: number): void {
      if (time > (lastSeen.get(sensorId) ?? 0)) lastSeen.set(sensorId, time)
    },
    refreshSensor,
    /**
     * Whether to ask the registry about a sensor before judging its message: one registered moments ago
     * (by the CLI, or on another API instance) is not refused just because no announcement arrived yet.
     */
    needsLookup(sensorId: string, now: number): boolean {
      if (sensors.has(sensorId)) return false
      const since = unknownSince.get(sensorId)
      return since === undefined || now - since > UNKNOWN_RETRY_MS
    },
    async lookUp(sensorId: string, now: number): Promise<void> {
      await refreshSensor(sensorId)
      if (sensors.has(sensorId)) return void unknownSince.delete(sensorId)
      if (unknownSince.size >= MAX_REMEMBERED_UNKNOWN) unknownSince.clear()
      unknownSince.set(sensorId, now)
    },
    async close(): Promise<void> {
      for (const timer of timers) clearInterval(timer)
      await flushLastSeen()
    },
  }
}
