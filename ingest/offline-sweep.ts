import type { AlertTransition } from '../core/exposure/index.ts'
import type { JudgedPartition, MonitorSet } from './monitor-set.ts'

/**
 * Sensors judged between two turns of the event loop. Judged all at once, 100,000 sensors held up
 * readings and alerts for 50–270 ms every sweep (bench/sections/startup.ts).
 */
const PIECE = 2_000

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Sweeps each monitor for silent sensors every `intervalMs`, a piece at a time, each piece at its own
 * moment. A sweep still going when the next is due (a loaded machine) is not doubled: the next starts
 * at the following tick. `close` stops both the timer and a sweep under way.
 */
export function sweepOfflineRegularly(options: {
  monitors: MonitorSet
  offlineAfterMs: (sensorId: string) => number | undefined
  record: (judged: JudgedPartition, transitions: AlertTransition[]) => void
  intervalMs: number
}) {
  const { monitors, offlineAfterMs, record } = options
  let sweeping = false
  let closed = false

  const isHeld = (judged: JudgedPartition) => {
    for (const held of monitors.all()) if (held === judged) return true
    return false
  }

  async function sweep(): Promise<void> {
    for (const judged of [...monitors.all()]) {
      const pass = judged.monitor.startOfflineSweep(offlineAfterMs)
      for (;;) {
        const { transitions, done } = pass.next(Date.now(), PIECE)
        record(judged, transitions)
        if (done) break
        await nextTurn()
        if (closed) return
        // A partition given up meanwhile is its new owner's to sweep.
        if (!isHeld(judged)) break
      }
    }
  }

  const timer = setInterval(() => {
    if (sweeping) return
    sweeping = true
    void sweep().finally(() => {
      sweeping = false
    })
  }, options.intervalMs)

  return {
    close(): void {
      closed = true
      clearInterval(timer)
    },
  }
}
