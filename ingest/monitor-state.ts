import type { Logger } from 'pino'
import type { ExposureMonitorState, SavedEvaluator } from '../core/exposure/monitor.ts'
import { FencedError } from '../registry/errors.ts'
import type { FencedStates, Registry, StateRepository } from '../registry/types.ts'
import type { JudgedPartition, MonitorSet } from './monitor-set.ts'
import { alertTrackerStateSchema, savedEvaluatorSchema } from './monitor-state-schema.ts'

/**
 * Evaluator windows and open alerts are saved a share at a time, every STATE_SAVE_MS, so that each
 * evaluator that changed is saved within about STATE_SAVE_ROUNDS of them (30 s), and everything on
 * shutdown. Saving all at once stalled the event loop for 100–250 ms at 15,000 evaluators, and even a
 * thirtieth of them each second for 10–35 ms; a share goes STATE_SAVE_PIECE evaluators per turn of the
 * event loop, as at 220,000 evaluators a share (about 1,500) held it 10–20 ms, and 250 of them ~6 ms.
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

/**
 * The exposure monitor's state under `prefix` as it was last saved. What does not read as the state this
 * version saves (corrupt, or of another version) is logged and left out: that evaluator, or the alert
 * tracker, starts fresh, and the rest is restored.
 */
export async function loadMonitorState(
  state: StateRepository,
  prefix: string,
  log: Logger,
): Promise<ExposureMonitorState> {
  const saved = await state.loadStates(prefix)
  const evaluatorPrefix = `${prefix}evaluator/`
  const trackerKey = trackerStateKey(prefix)
  const evaluators: SavedEvaluator[] = []
  const refused: { key: string; problem: string }[] = []
  for (const [key, value] of saved) {
    if (!key.startsWith(evaluatorPrefix)) continue
    const parsed = savedEvaluatorSchema.safeParse(value)
    if (parsed.success) evaluators.push(parsed.data)
    else refused.push({ key, problem: parsed.error.issues[0]?.message ?? 'invalid' })
  }
  if (refused.length > 0) {
    // One line for all of them: after an upgrade every evaluator may be refused at once.
    log.warn(
      { refused: refused.length, first: refused[0] },
      'saved exposure state unreadable: those evaluators start fresh',
    )
  }
  const tracker = saved.get(trackerKey)
  if (tracker === undefined) return { evaluators }
  const parsedTracker = alertTrackerStateSchema.safeParse(tracker)
  if (parsedTracker.success) return { evaluators, tracker: parsedTracker.data }
  log.warn(
    { key: trackerKey, problem: parsedTracker.error.issues[0]?.message },
    'saved alert tracker state unreadable: the tracker starts fresh',
  )
  return { evaluators }
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
 * Saves what changed of one monitor — all of it, or a share of its evaluators — STATE_SAVE_PIECE at a
 * time, with the shifts it opened (the exposures API reports them). An unpartitioned monitor's tracker
 * goes with it; a partition's is saved with each detection instead (alert-events.ts), in the register's
 * transaction.
 */
async function saveMonitorShare(
  judged: JudgedPartition,
  writes: StateWrites,
  shifts: Pick<Registry, 'recordShifts'>,
  everything: boolean,
): Promise<void> {
  const { monitor, statePrefix, lease } = judged
  let share = everything ? monitor.changedCount() : Math.ceil(monitor.changedCount() / STATE_SAVE_ROUNDS)
  const first = takePiece(judged, Math.min(share, STATE_SAVE_PIECE))
  share -= STATE_SAVE_PIECE
  if (lease === undefined) {
    const trackerState = monitor.takeTrackerChange()
    if (trackerState !== undefined) first.push([trackerStateKey(statePrefix), trackerState])
  }
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
