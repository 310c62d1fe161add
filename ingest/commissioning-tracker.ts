import type { Logger } from 'pino'
import {
  assessCommissioning,
  type CommissioningProgress,
  NO_PROGRESS,
  observeReading,
} from '../core/commissioning.ts'
import type { Reading } from '../core/contract.ts'
import type { Registry, SensorAccess } from '../registry/types.ts'

/** Each commissioning sensor's checklist is judged this often, and saved at once when an item turned… */
const EVALUATE_MS = 5_000
/**
 * …else at most this often: a fleet that never commissions (no calibration dates) would otherwise rewrite
 * every sensor's progress every few seconds. A restart loses at most this much of a run, never an item met.
 */
const SAVE_MS = 60_000
/** Readings kept per sensor while its saved progress is read: more in a few seconds would be a flood. */
const MAX_WAITING_PER_SENSOR = 1_000
/**
 * Sensors read or saved between two turns of the event loop, as the sensor directory does: a fleet of
 * thousands registered at once must not hold up readings and alerts while its progress is read.
 */
const PIECE = 200

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Follows the valid readings of the sensors still commissioning (core/commissioning.ts) and records each
 * one as commissioned once its checklist is met. A commissioned sensor costs one map lookup per reading.
 * Each sensor's progress is read from the registry at its first reading here, kept in memory, judged every
 * EVALUATE_MS, and saved when an item turned (else every SAVE_MS, and at close). Several ingest workers
 * sharing one sensor's messages would each see part of them: a broker's shared subscription should send a
 * client's messages to one worker (EMQX: `shared_subscription_strategy = sticky` or `hash_clientid`).
 */
export function createCommissioningTracker(options: {
  registry: Registry
  accessOf: (sensorId: string) => SensorAccess | undefined
  log: Logger
  now?: () => number
}) {
  const { registry, accessOf, log } = options
  const now = options.now ?? Date.now
  const progress = new Map<string, CommissioningProgress>()
  const waiting = new Map<string, Reading[]>()
  const changed = new Set<string>()
  /** Commissioned here since the directory last read the registry. */
  const commissioned = new Set<string>()
  /** When each sensor's progress was last saved, and how many items were met then. */
  const saved = new Map<string, { at: number; met: number }>()
  let running = Promise.resolve()

  async function evaluate(everything = false): Promise<void> {
    let read = 0
    for (const sensorId of [...waiting.keys()]) {
      if (++read % PIECE === 0) await nextTurn()
      const stored = (await registry.getSensor(sensorId))?.commissioning ?? NO_PROGRESS
      // Taken after the read: readings that came during it are folded in too.
      const readings = waiting.get(sensorId) ?? []
      waiting.delete(sensorId)
      if (stored.commissionedAt !== undefined) {
        commissioned.add(sensorId)
        continue
      }
      progress.set(sensorId, fold(sensorId, stored, readings))
      changed.add(sensorId)
    }
    if (changed.size === 0) return
    const batch = new Map<string, CommissioningProgress>()
    const at = now()
    for (const sensorId of changed) {
      const current = progress.get(sensorId)
      const access = accessOf(sensorId)
      if (current === undefined || access === undefined) {
        changed.delete(sensorId)
        continue
      }
      const assessment = assessCommissioning(access, current, at)
      const met = assessment.checklist.filter((entry) => entry.met).length
      const last = saved.get(sensorId)
      if (assessment.complete) {
        batch.set(sensorId, { ...current, commissionedAt: at })
        progress.delete(sensorId)
        saved.delete(sensorId)
        commissioned.add(sensorId)
        log.info({ sensorId }, 'sensor commissioned: its checklist is met')
      } else if (everything || last === undefined || last.met !== met || at - last.at >= SAVE_MS) {
        batch.set(sensorId, current)
        saved.set(sensorId, { at, met })
      } else continue
      changed.delete(sensorId)
    }
    const entries = [...batch]
    for (let start = 0; start < entries.length; start += PIECE) {
      if (start > 0) await nextTurn()
      await registry.recordCommissioning(new Map(entries.slice(start, start + PIECE)))
    }
  }

  function fold(sensorId: string, from: CommissioningProgress, readings: readonly Reading[]) {
    const intervalS = accessOf(sensorId)?.reportingIntervalS ?? 0
    let next = from
    for (const reading of readings) next = observeReading(next, reading.factor, reading.time, intervalS)
    return next
  }

  function run(everything = false): Promise<void> {
    running = running
      .then(() => evaluate(everything))
      .catch((err) => log.warn({ err }, 'could not record sensor commissioning'))
    return running
  }
  const timer = setInterval(() => void run(), EVALUATE_MS)

  return {
    /** A valid reading ingest accepted. */
    observe(reading: Reading): void {
      const access = accessOf(reading.sensorId)
      if (access === undefined || access.commissioned || commissioned.has(reading.sensorId)) return
      const current = progress.get(reading.sensorId)
      if (current !== undefined) {
        progress.set(
          reading.sensorId,
          observeReading(current, reading.factor, reading.time, access.reportingIntervalS),
        )
        changed.add(reading.sensorId)
        return
      }
      const queued = waiting.get(reading.sensorId)
      if (queued === undefined) waiting.set(reading.sensorId, [reading])
      else if (queued.length < MAX_WAITING_PER_SENSOR) queued.push(reading)
    },
    async close(): Promise<void> {
      clearInterval(timer)
      await run(true)
    },
  }
}
