import type { Logger } from 'pino'
import { AlertTracker, type SavedSlot } from '../core/exposure/alert-tracker.ts'
import type { ExposureMonitor, ExposureMonitorState, SavedEvaluator } from '../core/exposure/monitor.ts'
import { FencedError } from '../registry/errors.ts'
import type { FencedStates, Registry, StateRepository } from '../registry/types.ts'
import type { JudgedPartition, MonitorSet } from './monitor-set.ts'
import { alertTrackerStateSchema, savedEvaluatorSchema, savedSlotSchema } from './monitor-state-schema.ts'

/**
 * Evaluator windows are saved a share at a time, every STATE_SAVE_MS, so that each evaluator that changed
 * is saved within about STATE_SAVE_ROUNDS of them (30 s), and everything on shutdown. Saving all at once
 * stalled the event loop for 100–250 ms at 15,000 evaluators, and even a thirtieth of them each second for
 * 10–35 ms; a share goes STATE_SAVE_PIECE evaluators per turn of the event loop, as at 220,000 evaluators
 * a share (about 1,500) held it 10–20 ms, and 250 of them ~6 ms. An unpartitioned monitor's alert tracker
 * saves the slots that changed at each tick, STATE_SAVE_PIECE per turn, each under its own key: saved
 * whole, 14,000 open alerts held the event loop 50–250 ms at every tick one of them changed.
 */
const STATE_SAVE_MS = 200
const STATE_SAVE_ROUNDS = 150
const STATE_SAVE_PIECE = 100

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** The alert tracker's key under a monitor's state prefix. */
export function trackerStateKey(prefix: string): string {
  return `${prefix}alerts`
}

function evaluatorKey(prefix: string, saved: SavedEvaluator): string {
  return `${prefix}evaluator/${saved.key.sensorId}/${saved.key.factor}`
}

function slotPrefix(prefix: string): string {
  return `${trackerStateKey(prefix)}/`
}

/**
 * A tracker slot's key, its NUL separators as `/`: PostgreSQL's text takes no NUL, and the ids and names
 * the slot key joins hold no `/` (ID_PATTERN, factor ids, alert kinds), so no two slots share a key.
 */
function slotStateKey(prefix: string, slotKey: string): string {
  return `${slotPrefix(prefix)}${slotKey.replaceAll('\u0000', '/')}`
}

// Unpartitioned monitors whose tracker's state saved whole (by a version before #21) is deleted: once, after
// the first save of the slots that changed, which counts those read from it (AlertTrackerData.unsaved).
const savedSlotWise = new WeakSet<ExposureMonitor>()

/**
 * The exposure monitor's state under `prefix` as it was last saved: the alert tracker's slot by slot, over
 * its state saved whole (a partition's, or an unpartitioned one by a version before #21) if any. What does
 * not read as the state this version saves (corrupt, or of another version) is logged and left out: that
 * evaluator, that slot or the tracker's whole state starts fresh, and the rest is restored.
 */
export async function loadMonitorState(
  state: StateRepository,
  prefix: string,
  log: Logger,
): Promise<ExposureMonitorState> {
  const saved = await state.loadStates(prefix)
  const evaluatorPrefix = `${prefix}evaluator/`
  const slotKeyPrefix = slotPrefix(prefix)
  const trackerKey = trackerStateKey(prefix)
  const evaluators: SavedEvaluator[] = []
  const slots: SavedSlot[] = []
  const refused: { key: string; problem: string }[] = []
  const refusedSlots: { key: string; problem: string }[] = []
  for (const [key, value] of saved) {
    if (key.startsWith(evaluatorPrefix)) {
      const parsed = savedEvaluatorSchema.safeParse(value)
      if (parsed.success) evaluators.push(parsed.data)
      else refused.push({ key, problem: parsed.error.issues[0]?.message ?? 'invalid' })
    } else if (key.startsWith(slotKeyPrefix)) {
      const parsed = savedSlotSchema.safeParse(value)
      if (parsed.success) slots.push(parsed.data)
      else refusedSlots.push({ key, problem: parsed.error.issues[0]?.message ?? 'invalid' })
    }
  }
  // One line for each kind: after an upgrade every evaluator or slot may be refused at once.
  if (refused.length > 0) {
    log.warn(
      { refused: refused.length, first: refused[0] },
      'saved exposure state unreadable: those evaluators start fresh',
    )
  }
  if (refusedSlots.length > 0) {
    log.warn(
      { refused: refusedSlots.length, first: refusedSlots[0] },
      'saved alert slots unreadable: those slots start fresh',
    )
  }
  const whole = saved.get(trackerKey)
  const parsedWhole = whole === undefined ? undefined : alertTrackerStateSchema.safeParse(whole)
  if (parsedWhole?.success === false) {
    log.warn(
      { key: trackerKey, problem: parsedWhole.error.issues[0]?.message },
      'saved alert tracker state unreadable: the tracker starts fresh',
    )
  }
  const base = parsedWhole?.success === true ? parsedWhole.data : undefined
  if (base === undefined && slots.length === 0) return { evaluators }
  return { evaluators, tracker: AlertTracker.fromSlots(slots, base) }
}

/** Where the pieces of one save go: unfenced, or under each partition's lease. */
interface StateWrites {
  /** A piece of one monitor's states (its tracker included, unpartitioned). */
  add(judged: JudgedPartition, states: [string, unknown][]): Promise<void>
  /** Writes what was added and not yet written. */
  flush(): Promise<void>
}

/**
 * Pieces of partitions' states gathered into one fenced transaction of at least STATE_SAVE_PIECE
 * evaluators, not one per partition: a worker holding 128 partitions would otherwise open 128
 * transactions every STATE_SAVE_MS and starve its registry pool. A partition whose lease is no longer
 * current is refused (and told to `fencedOut`): its new owner saves it from now on.
 */
function fencedWrites(state: StateRepository, fencedOut: (partitions: number[]) => void): StateWrites {
  let groups: FencedStates[] = []
  let pending = 0
  async function flush(): Promise<void> {
    if (groups.length === 0) return
    const batch = groups
    groups = []
    pending = 0
    const refused = await state.saveFencedStates(batch)
    if (refused.length > 0) fencedOut(refused)
  }
  return {
    async add(judged, states) {
      groups.push({ lease: judged.lease!, states })
      pending += states.length
      if (pending >= STATE_SAVE_PIECE) {
        await flush()
        await nextTurn()
      }
    },
    flush,
  }
}

function unfencedWrites(state: StateRepository): StateWrites {
  return {
    async add(_judged, states) {
      await state.saveStates(states)
      await nextTurn()
    },
    async flush() {},
  }
}

/**
 * Saves what changed of one monitor's evaluators — all of it, or a share — STATE_SAVE_PIECE at a time,
 * with the shifts it opened (the exposures API reports them). Its tracker goes apart: an unpartitioned
 * one's slot by slot (saveTrackerSlots), a partition's whole with each detection (alert-events.ts), in the
 * register's transaction, so that its next owner restores it as of the last detection recorded.
 */
async function saveMonitorShare(
  judged: JudgedPartition,
  writes: StateWrites,
  shifts: Pick<Registry, 'recordShifts'>,
  everything: boolean,
): Promise<void> {
  const { monitor } = judged
  let share = everything ? monitor.changedCount() : Math.ceil(monitor.changedCount() / STATE_SAVE_ROUNDS)
  const first = takePiece(judged, Math.min(share, STATE_SAVE_PIECE))
  share -= STATE_SAVE_PIECE
  const opened = monitor.takeOpenedShifts()
  await Promise.all([
    first.length > 0 ? writes.add(judged, first) : undefined,
    opened.length > 0 ? shifts.recordShifts(opened) : undefined,
  ])
  for (; share > 0; share -= STATE_SAVE_PIECE) {
    const piece = takePiece(judged, Math.min(share, STATE_SAVE_PIECE))
    if (piece.length === 0) return
    await writes.add(judged, piece)
  }
}

/** Saves everything of one partition's monitor, under its lease: FencedError once it has a newer owner. */
export async function savePartitionState(
  judged: JudgedPartition,
  state: StateRepository,
  shifts: Pick<Registry, 'recordShifts'>,
): Promise<void> {
  let refused: number[] = []
  const writes = fencedWrites(state, (partitions) => {
    refused = partitions
  })
  await saveMonitorShare(judged, writes, shifts, true)
  await writes.flush()
  if (refused.length > 0) throw new FencedError(`partition ${judged.lease?.partition} has a newer owner`)
}

function takePiece({ monitor, statePrefix }: JudgedPartition, max: number): [string, unknown][] {
  return monitor.takeChanged(max).map((saved) => [evaluatorKey(statePrefix, saved), saved])
}

/**
 * An unpartitioned tracker's slots that changed by now, piece by piece (what changes meanwhile goes with
 * the next save), a slot gone deleted; then, once, its state saved whole, which the slots saved since
 * stand for. Were ingest stopped before that, the slots saved are read over it: only a slot gone since
 * the start would come back from it, as it was when the previous ingest stopped.
 */
async function saveTrackerSlots({ monitor, statePrefix }: JudgedPartition, state: StateRepository) {
  for (let left = monitor.trackerChangedCount(); left > 0; left -= STATE_SAVE_PIECE) {
    const piece = monitor.takeTrackerChanges(Math.min(left, STATE_SAVE_PIECE))
    const kept: [string, SavedSlot][] = []
    const gone: string[] = []
    for (const saved of piece) {
      if (saved.slot === undefined) gone.push(slotStateKey(statePrefix, saved.key))
      else kept.push([slotStateKey(statePrefix, saved.key), saved])
    }
    try {
      await Promise.all([
        kept.length > 0 ? state.saveStates(kept) : undefined,
        gone.length > 0 ? state.deleteStates(gone) : undefined,
      ])
    } catch (err) {
      monitor.markTrackerChanged(piece.map((saved) => saved.key))
      throw err
    }
    await nextTurn()
  }
  if (savedSlotWise.has(monitor)) return
  await state.deleteStates([trackerStateKey(statePrefix)])
  savedSlotWise.add(monitor)
}

/** Saves every monitor's state on a timer, a share at a time; `close` stops it and saves everything left. */
export function saveMonitorStateRegularly(
  monitors: MonitorSet,
  state: StateRepository,
  shifts: Pick<Registry, 'recordShifts'>,
  log: Logger,
) {
  let saving: Promise<void> | undefined

  function save(everything: boolean): Promise<void> {
    saving = saveAll(everything).finally(() => {
      saving = undefined
    })
    return saving
  }

  async function saveAll(everything: boolean): Promise<void> {
    const writes = {
      unfenced: unfencedWrites(state),
      // The lease keeper drops those partitions on its next round: their new owners save them from now on.
      fenced: fencedWrites(state, (partitions) =>
        log.warn({ partitions }, 'exposure state not saved: the partitions have a new owner'),
      ),
    }
    try {
      for (const judged of monitors.all()) {
        if (judged.lease === undefined) await saveTrackerSlots(judged, state)
        await saveMonitorShare(
          judged,
          judged.lease === undefined ? writes.unfenced : writes.fenced,
          shifts,
          everything,
        )
      }
      await writes.fenced.flush()
    } catch (err) {
      log.error({ err }, 'could not save exposure state')
    }
  }
  const timer = setInterval(() => {
    // A share still being saved (a loaded machine) is not doubled: the next goes at the following tick.
    if (saving === undefined) void save(false)
  }, STATE_SAVE_MS)
  return {
    async close(): Promise<void> {
      clearInterval(timer)
      await saving
      await save(true)
    },
  }
}
