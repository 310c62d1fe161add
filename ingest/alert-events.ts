import type { Logger } from 'pino'
import type { AlertEvent } from '../core/alert-lifecycle.ts'
import type { AlertTransition } from '../core/exposure/index.ts'
import { FencedError } from '../registry/errors.ts'
import type { AlertRepository, PartitionLease, StateRepository } from '../registry/types.ts'
import type { BatchWriter } from './batch-writer.ts'
import type { LiveFeed } from './live-feed.ts'

/** Where the copy of the alert event log into the time-series store has got to. */
const STORE_CURSOR_KEY = 'alert-event-log/store'
/** The log is read for what the API appended (people's acts) this often, and after each detection. */
const COPY_INTERVAL_MS = 1000
const COPY_BATCH = 500
/**
 * Transitions recorded, and log batches copied, between two turns of the event loop: the register's
 * calls return at once on SQLite, so a burst (thousands of ceiling alerts of a large fleet) recorded in
 * one go held up readings for seconds.
 */
const PIECE = 100

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

export interface AlertEventsOptions {
  alerts: AlertRepository
  state: StateRepository
  /** The batch writer of alert events: through the spool to the store. */
  writer: BatchWriter<AlertEvent>
  live: LiveFeed
  /**
   * Whether this worker copies the register's log to the store now: always, unpartitioned; the holder of
   * partition 0, partitioned, so that one worker does it.
   */
  copiesLog(): boolean
  log: Logger
}

/** What fences a partitioned worker's detections: its lease, and its tracker's state after them. */
export interface DetectionFence {
  lease: PartitionLease
  states: readonly (readonly [key: string, value: unknown])[]
}

/**
 * Ingest's side of the alert register (registry/types.ts, the one owner of alert state). Each transition
 * of the tracker goes to the register, in order; what the register makes of it — with the acknowledgements
 * and resolutions people made, possibly while ingest was down — goes to the live feed at once, including
 * the notice to those who acknowledged an alert that escalated. The register's event log, people's acts
 * included, is copied to the time-series store, at least once: the stores ignore a repeat.
 *
 * The notices are the seam for other channels (e-mail, a later issue): a sender reads `notified` events
 * from the same log, keeping its own position as STORE_CURSOR_KEY does here.
 */
export async function startAlertEvents(options: AlertEventsOptions) {
  const { alerts, state, writer, live, log } = options
  const saved = (await state.loadStates(STORE_CURSOR_KEY)).get(STORE_CURSOR_KEY) as
    | { seq: number }
    | undefined
  let cursor = saved?.seq ?? 0
  let recording: Promise<void> = Promise.resolve()
  let copying: Promise<void> | undefined
  let copyAgain = false
  let recordedSinceTurn = 0

  function publish(event: AlertEvent): void {
    if (event.type === 'notified') live.notice(event)
    else live.alert(event.alert)
    const { alert } = event
    log.info(
      {
        alert: { id: alert.id, sensor: alert.sensorId, kind: alert.kind, level: alert.level },
        type: event.type,
      },
      event.type === 'notified'
        ? `told ${event.to?.map((p) => p.name).join(', ')}: ${alert.message}`
        : alert.message,
    )
  }

  async function recordTogether(
    transitions: readonly AlertTransition[],
    fence?: DetectionFence,
  ): Promise<void> {
    let events: AlertEvent[]
    try {
      events = await alerts.recordDetections(transitions, fence)
    } catch (err) {
      if (err instanceof FencedError) {
        // The partition has a new owner, which judges these readings again from its saved state.
        log.warn({ err }, 'alerts not recorded: the partition has a new owner')
        return
      }
      // The register could not take them: the officers and the store still hear of them, as the tracker sees them.
      log.error(
        { err, alertIds: transitions.map((t) => t.alert.id) },
        'could not record alerts in the register',
      )
      events = transitions.map((t) => ({ type: t.type, at: t.alert.updatedAt, alert: t.alert }))
      for (const event of events) writer.add(event)
    }
    for (const event of events) publish(event)
    if (events.length > 0) void copyLog()
  }

  async function copyOnce(): Promise<void> {
    for (;;) {
      const batch = await alerts.alertEventsAfter(cursor, COPY_BATCH)
      if (batch.length === 0) return
      for (const { event } of batch) writer.add(event)
      // Durable in the spool before the position moves: a crash in between copies them again.
      if (!writer.commit()) return
      cursor = batch.at(-1)!.seq
      await state.saveStates([[STORE_CURSOR_KEY, { seq: cursor }]])
      await nextTurn()
    }
  }

  /** Copies what the log holds beyond the cursor; a call while a copy runs makes it go round once more. */
  function copyLog(): Promise<void> {
    if (!options.copiesLog()) return Promise.resolve()
    if (copying !== undefined) {
      copyAgain = true
      return copying
    }
    copying = (async () => {
      do {
        copyAgain = false
        await copyOnce()
      } while (copyAgain)
    })()
      .catch((err) => log.error({ err }, 'could not copy alert events to the store'))
      .finally(() => {
        copying = undefined
      })
    return copying
  }

  await copyLog()
  const timer = setInterval(() => void copyLog(), COPY_INTERVAL_MS)

  return {
    /** Hands the transitions one reading caused to the register, together, after those handed before. */
    record(transitions: readonly AlertTransition[], fence?: DetectionFence): void {
      recordedSinceTurn += transitions.length
      const turn = recordedSinceTurn >= PIECE
      if (turn) recordedSinceTurn = 0
      recording = recording
        .then(() => (turn ? nextTurn() : undefined))
        .then(() => recordTogether(transitions, fence))
        .catch((err) => log.error({ err }, 'could not publish an alert'))
    },
    /** Waits for what was handed over, and copies the log to the store one last time. */
    async close(): Promise<void> {
      clearInterval(timer)
      await recording
      await copying
      await copyLog()
    },
  }
}
