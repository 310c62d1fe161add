import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Logger, pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createExposureMonitor, type FacilityRules } from '../../core/exposure/monitor.ts'
import { DEFAULT_SHIFT_PATTERN, shiftStartAt } from '../../core/shifts.ts'
import { singleMonitorSet, UNPARTITIONED_STATE_PREFIX } from '../../ingest/monitor-set.ts'
import { loadMonitorState, saveMonitorStateRegularly } from '../../ingest/monitor-state.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'

const RULES: FacilityRules = { profile: 'qcvn', shifts: DEFAULT_SHIFT_PATTERN }
const SHIFT = shiftStartAt(Date.parse('2026-11-23T07:00:00+07:00'), DEFAULT_SHIFT_PATTERN)

/** A monitor that heard `minutes` of 118 dBA from sensor `s1`: its alerts open, a dose building. */
function loudMonitor(minutes: number) {
  const monitor = createExposureMonitor(
    () => RULES,
    () => undefined,
  )
  for (let minute = 0; minute < minutes; minute++) {
    monitor.observe({
      facilityId: 'f',
      sensorId: 's1',
      factor: 'noise',
      value: 118,
      time: SHIFT + minute * 60_000,
    })
  }
  return monitor
}

describe('ingest’s saved exposure state', () => {
  let dir: string
  let registry: ReturnType<typeof openSqliteRegistry>
  let warnings: { msg: string; refused?: number; first?: { key: string; problem: string }; key?: string }[]
  let log: Logger

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-monitor-state-'))
    registry = openSqliteRegistry(join(dir, 'registry.sqlite'))
    warnings = []
    log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) })
  })
  afterEach(async () => {
    registry.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('restores what it saved on close: the same evaluators and open alerts, nothing logged', async () => {
    const monitor = loudMonitor(30)
    await saveMonitorStateRegularly(singleMonitorSet(monitor), registry, registry, log).close()
    const restored = createExposureMonitor(
      () => RULES,
      () => undefined,
      {},
      await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log),
    )
    expect(restored.toJSON()).toEqual(monitor.toJSON())
    expect(restored.openAlerts()).toBe(monitor.openAlerts())
    expect(monitor.openAlerts()).toBeGreaterThan(0)
    expect(warnings).toEqual([])
  })

  it('saves a fleet of evaluators piece by piece on close, every one of them', async () => {
    const monitor = loudMonitor(3)
    for (let sensor = 0; sensor < 345; sensor++) {
      monitor.observe({ facilityId: 'f', sensorId: `n${sensor}`, factor: 'noise', value: 80, time: SHIFT })
    }
    await saveMonitorStateRegularly(singleMonitorSet(monitor), registry, registry, log).close()
    const restored = await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log)
    const bySensor = (evaluators: { key: { sensorId: string } }[]) =>
      [...evaluators].sort((x, y) => x.key.sensorId.localeCompare(y.key.sensorId))
    expect(bySensor(restored.evaluators)).toEqual(bySensor(monitor.toJSON().evaluators))
    expect(restored.evaluators).toHaveLength(346)
  })

  it('starts a corrupt or old evaluator fresh and says so once, keeping the others and the tracker', async () => {
    const monitor = loudMonitor(30)
    await saveMonitorStateRegularly(singleMonitorSet(monitor), registry, registry, log).close()
    const [good] = monitor.toJSON().evaluators
    await registry.saveStates([
      ['exposure-monitor/evaluator/s2/noise', { key: { sensorId: 's2' }, evaluator: 'garbage' }],
      // Saved by a version whose evaluator state this one does not know.
      [
        'exposure-monitor/evaluator/s3/noise',
        { ...good, key: { ...good!.key, sensorId: 's3' }, evaluator: { ...good!.evaluator, version: 2 } },
      ],
      // Of another factor than its key says: ExposureEvaluator.fromJSON would throw on it.
      [
        'exposure-monitor/evaluator/s4/dust',
        { ...good, key: { ...good!.key, sensorId: 's4', factor: 'dust' } },
      ],
    ])
    const state = await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log)
    expect(state.evaluators.map((e) => e.key.sensorId)).toEqual(['s1'])
    expect(state.tracker?.alerts).toHaveLength(monitor.openAlerts())
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({
      msg: 'saved exposure state unreadable: those evaluators start fresh',
      refused: 3,
      first: { key: expect.stringMatching(/^exposure-monitor\/evaluator\//) },
    })
    const restored = createExposureMonitor(
      () => RULES,
      () => undefined,
      {},
      state,
    )
    expect(restored.openAlerts()).toBe(monitor.openAlerts())
  })

  it('starts the alert tracker fresh when its saved state is unreadable, and says so', async () => {
    await registry.saveStates([['exposure-monitor/alerts', { slots: 'none', alerts: [{ id: 1 }] }]])
    const state = await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log)
    expect(state).toEqual({ evaluators: [] })
    expect(warnings).toMatchObject([
      {
        msg: 'saved alert tracker state unreadable: the tracker starts fresh',
        key: 'exposure-monitor/alerts',
      },
    ])
  })
})
