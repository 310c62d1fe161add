/**
 * How long the unpartitioned ingest's state save holds the event loop with many alerts open (#21): a
 * monitor with `--alerts` open ceiling alerts on an embedded SQLite registry, one alert changing before
 * each of `--ticks` saves; then a restart on what was saved (with `--upgrade`, on the tracker saved whole
 * as versions before #21 did) and its first save. Each save is the one `close` makes: with one evaluator
 * changed since the previous, the same as a 200-ms tick's.
 *
 * `node bench/lib/tracker-save-probe.ts [--alerts 14000] [--ticks 20] [--upgrade]` prints, per save, its
 * duration and the longest stretch without a turn of the event loop (median and worst over the ticks).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { createExposureMonitor, type FacilityRules } from '../../core/exposure/monitor.ts'
import { DEFAULT_SHIFT_PATTERN, shiftStartAt } from '../../core/shifts.ts'
import { singleMonitorSet, UNPARTITIONED_STATE_PREFIX } from '../../ingest/monitor-set.ts'
import { loadMonitorState, saveMonitorStateRegularly } from '../../ingest/monitor-state.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '14000' },
    ticks: { type: 'string', default: '20' },
    upgrade: { type: 'boolean', default: false },
  },
})
const RULES: FacilityRules = { profile: 'qcvn', shifts: DEFAULT_SHIFT_PATTERN }
const SHIFT = shiftStartAt(Date.parse('2026-11-23T07:00:00+07:00'), DEFAULT_SHIFT_PATTERN)
const loud = (sensorId: string, time: number) => ({
  facilityId: 'f',
  sensorId,
  factor: 'noise' as const,
  value: 118,
  time,
})

/** The save's duration and the longest stretch between two turns of the event loop while it ran. */
async function watched(save: () => Promise<void>): Promise<{ tookMs: number; longestMs: number }> {
  let last = performance.now()
  let longestMs = 0
  let watching = true
  const watch = () => {
    const now = performance.now()
    longestMs = Math.max(longestMs, now - last)
    last = now
    if (watching) setImmediate(watch)
  }
  setImmediate(watch)
  const started = performance.now()
  await save()
  const tookMs = performance.now() - started
  await new Promise((resolve) => setImmediate(resolve))
  watching = false
  return { tookMs, longestMs }
}

function summary(label: string, figures: number[]): string {
  const sorted = [...figures].sort((a, b) => a - b)
  return `${label} median ${sorted[sorted.length >> 1]?.toFixed(1)} ms, worst ${sorted.at(-1)?.toFixed(1)} ms`
}

const dir = await mkdtemp(join(tmpdir(), 'quantrac-tracker-save-'))
const registry = openSqliteRegistry(join(dir, 'registry.sqlite'))
const log = pino({ level: 'silent' })
try {
  const monitor = createExposureMonitor(
    () => RULES,
    () => undefined,
  )
  for (let sensor = 0; sensor < Number(values.alerts); sensor++) monitor.observe(loud(`s${sensor}`, SHIFT))
  const monitors = singleMonitorSet(monitor)
  const save = (state: typeof registry) => saveMonitorStateRegularly(monitors, state, registry, log).close()
  await save(registry)
  const ticks: { tookMs: number; longestMs: number }[] = []
  for (let tick = 1; tick <= Number(values.ticks); tick++) {
    monitor.observe(loud(`new${tick}`, SHIFT + tick * 200))
    ticks.push(await watched(() => save(registry)))
  }
  console.log(`${monitor.openAlerts()} alerts open, load average ${loadavg().map((l) => l.toFixed(1))}`)
  console.log(
    summary(
      'a tick’s save:',
      ticks.map((t) => t.tookMs),
    ),
  )
  console.log(
    summary(
      'longest stretch without a turn:',
      ticks.map((t) => t.longestMs),
    ),
  )

  const from = values.upgrade ? openSqliteRegistry(join(dir, 'upgrade.sqlite')) : registry
  if (values.upgrade)
    await from.saveStates([[`${UNPARTITIONED_STATE_PREFIX}alerts`, monitor.toJSON().tracker]])
  const loadStarted = performance.now()
  const restored = await loadMonitorState(from, UNPARTITIONED_STATE_PREFIX, log)
  const loadMs = performance.now() - loadStarted
  const restarted = createExposureMonitor(
    () => RULES,
    () => undefined,
    {},
    restored,
  )
  const again = singleMonitorSet(restarted)
  const first = await watched(() => saveMonitorStateRegularly(again, from, registry, log).close())
  console.log(
    `restart${values.upgrade ? ' on the tracker saved whole' : ''}: loaded in ${loadMs.toFixed(0)} ms; first save ${first.tookMs.toFixed(1)} ms, longest stretch ${first.longestMs.toFixed(1)} ms`,
  )
  if (from !== registry) from.close()
} finally {
  registry.close()
  await rm(dir, { recursive: true, force: true })
}
