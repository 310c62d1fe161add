import type { Logger } from 'pino'
import type { ExposureMonitor, ExposureMonitorState, SavedEvaluator } from '../core/exposure/monitor.ts'
import type { Registry, StateRepository } from '../registry/types.ts'
import { alertTrackerStateSchema, savedEvaluatorSchema } from './monitor-state-schema.ts'

/**
 * Evaluator windows and open alerts are saved a share at a time, every STATE_SAVE_MS, so that each
 * evaluator that changed is saved within about STATE_SAVE_ROUNDS of them (30 s), and everything on
 * shutdown. Saving all at once stalled the event loop for 100–250 ms at 15,000 evaluators, and even a
 * thirtieth of them each second for 10–35 ms.
 */
const STATE_SAVE_MS = 200
const STATE_SAVE_ROUNDS = 150
const STATE_PREFIX = 'exposure-monitor/'
const TRACKER_STATE_KEY = `${STATE_PREFIX}alerts`
const EVALUATOR_STATE_PREFIX = `${STATE_PREFIX}evaluator/`

/**
 * The exposure monitor's state as the last ingest saved it. What does not read as the state this version
 * saves (corrupt, or of another version) is logged and left out: that evaluator, or the alert tracker,
 * starts fresh, and the rest is restored.
 */
export async function loadMonitorState(state: StateRepository, log: Logger): Promise<ExposureMonitorState> {
  const saved = await state.loadStates(STATE_PREFIX)
  const evaluators: SavedEvaluator[] = []
  const refused: { key: string; problem: string }[] = []
  for (const [key, value] of saved) {
    if (!key.startsWith(EVALUATOR_STATE_PREFIX)) continue
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
  const tracker = saved.get(TRACKER_STATE_KEY)
  if (tracker === undefined) return { evaluators }
  const parsedTracker = alertTrackerStateSchema.safeParse(tracker)
  if (parsedTracker.success) return { evaluators, tracker: parsedTracker.data }
  log.warn(
    { key: TRACKER_STATE_KEY, problem: parsedTracker.error.issues[0]?.message },
    'saved alert tracker state unreadable: the tracker starts fresh',
  )
  return { evaluators }
}

/**
 * Saves the monitor's state on a timer, a share at a time, with the shifts it opened (the exposures API
 * reports them); `close` stops the timer and saves everything left.
 */
export function saveMonitorStateRegularly(
  monitor: ExposureMonitor,
  state: StateRepository,
  shifts: Pick<Registry, 'recordShifts'>,
  log: Logger,
) {
  async function save(everything: boolean): Promise<void> {
    const share = everything ? monitor.changedCount() : Math.ceil(monitor.changedCount() / STATE_SAVE_ROUNDS)
    const states: [string, unknown][] = monitor
      .takeChanged(share)
      .map((saved) => [`${EVALUATOR_STATE_PREFIX}${saved.key.sensorId}/${saved.key.factor}`, saved])
    const trackerState = monitor.takeTrackerChange()
    if (trackerState !== undefined) states.push([TRACKER_STATE_KEY, trackerState])
    const opened = monitor.takeOpenedShifts()
    await Promise.all([
      states.length > 0 ? state.saveStates(states) : undefined,
      opened.length > 0 ? shifts.recordShifts(opened) : undefined,
    ])
  }
  const timer = setInterval(() => {
    save(false).catch((err) => log.error({ err }, 'could not save exposure state'))
  }, STATE_SAVE_MS)
  return {
    close(): Promise<void> {
      clearInterval(timer)
      return save(true)
    },
  }
}
