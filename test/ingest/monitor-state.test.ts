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
import type { StateRepository } from '../../registry/types.ts'

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

  it('saves the alert tracker slot by slot, each under its own key, and nothing whole', async () => {
    const monitor = loudMonitor(30)
    await saveMonitorStateRegularly(singleMonitorSet(monitor), registry, registry, log).close()
    const saved = await registry.loadStates('exposure-monitor/alerts')
    const slots = monitor.toJSON().tracker?.slots ?? []
    expect(slots.length).toBeGreaterThan(1)
    expect([...saved.keys()].sort()).toEqual(
      slots.map(([key]) => `exposure-monitor/alerts/${key.replaceAll('\u0000', '/')}`).sort(),
    )
    expect(saved.get('exposure-monitor/alerts/f/s1/noise/ceiling/above')).toMatchObject({
      slot: { alertId: expect.any(String) },
      alert: { sensorId: 's1', kind: 'ceiling', state: 'open' },
    })
  })

  it('deletes the slot of an alert that cleared, and restores the tracker without it', async () => {
    const monitor = loudMonitor(30)
    const saving = saveMonitorStateRegularly(singleMonitorSet(monitor), registry, registry, log)
    await saving.close()
    const before = monitor.openAlerts()
    // Quiet for two minutes: the ceiling alert clears after one, the dose's stays.
    for (let second = 0; second <= 120; second += 10) {
      monitor.observe({
        facilityId: 'f',
        sensorId: 's1',
        factor: 'noise',
        value: 60,
        time: SHIFT + 30 * 60_000 + second * 1000,
      })
    }
    expect(monitor.openAlerts()).toBe(before - 1)
    await saveMonitorStateRegularly(singleMonitorSet(monitor), registry, registry, log).close()
    const saved = await registry.loadStates('exposure-monitor/alerts')
    expect(saved.has('exposure-monitor/alerts/f/s1/noise/ceiling/above')).toBe(false)
    const restored = await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log)
    expect(restored.tracker).toEqual(monitor.toJSON().tracker)
    expect(warnings).toEqual([])
  })

  it('restores the alert tracker a previous version saved whole, then saves it slot by slot and deletes the whole', async () => {
    const monitor = loudMonitor(30)
    const { tracker } = monitor.toJSON()
    // As a version before #21 left it: the tracker whole under one key, no slot of its own.
    await registry.saveStates([['exposure-monitor/alerts', tracker]])
    const upgraded = createExposureMonitor(
      () => RULES,
      () => undefined,
      {},
      await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log),
    )
    expect(upgraded.toJSON().tracker).toEqual(tracker)
    expect(upgraded.openAlerts()).toBe(monitor.openAlerts())
    await saveMonitorStateRegularly(singleMonitorSet(upgraded), registry, registry, log).close()
    const saved = await registry.loadStates('exposure-monitor/alerts')
    expect(saved.has('exposure-monitor/alerts')).toBe(false)
    expect(saved.size).toBe(tracker?.slots.length)
    expect((await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log)).tracker).toEqual(tracker)
    expect(warnings).toEqual([])
  })

  it('reads slots saved since over the tracker saved whole, as an upgrade stopped before deleting it leaves them', async () => {
    const monitor = loudMonitor(30)
    const whole = monitor.toJSON().tracker
    await registry.saveStates([['exposure-monitor/alerts', whole]])
    const [slotKey] = whole?.slots.find(([key]) => key.includes('ceiling')) ?? []
    const changed = structuredClone(whole!)
    const alert = changed.alerts.find((a) => a.kind === 'ceiling')!
    alert.value = 125
    await registry.saveStates([
      [
        `exposure-monitor/alerts/${slotKey?.replaceAll('\u0000', '/')}`,
        { key: slotKey, slot: { alertId: alert.id }, alert },
      ],
    ])
    const restored = await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log)
    expect(restored.tracker?.alerts.find((a) => a.kind === 'ceiling')?.value).toBe(125)
    expect(restored.tracker?.alerts).toHaveLength(whole!.alerts.length)
  })

  it('saves again the slots of a save that failed, with the next', async () => {
    const monitor = loudMonitor(30)
    let failures = 1
    // The registry, but its first write of alert slots fails.
    const failingOnce: StateRepository = {
      loadStates: registry.loadStates,
      deleteStates: registry.deleteStates,
      saveFencedStates: registry.saveFencedStates,
      async saveStates(states) {
        const list = [...states]
        if (failures > 0 && list.some(([key]) => key.startsWith('exposure-monitor/alerts/'))) {
          failures--
          throw new Error('disk full')
        }
        return registry.saveStates(list)
      },
    }
    const errors: unknown[] = []
    const errorLog = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) })
    const set = singleMonitorSet(monitor)
    await saveMonitorStateRegularly(set, failingOnce, registry, errorLog).close()
    expect(errors).toMatchObject([{ msg: 'could not save exposure state', err: { message: 'disk full' } }])
    expect(monitor.trackerChangedCount()).toBeGreaterThan(0)
    await saveMonitorStateRegularly(set, failingOnce, registry, errorLog).close()
    expect((await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log)).tracker).toEqual(
      monitor.toJSON().tracker,
    )
  })

  it('starts an unreadable alert slot fresh and says so once, keeping the other slots', async () => {
    const monitor = loudMonitor(30)
    await saveMonitorStateRegularly(singleMonitorSet(monitor), registry, registry, log).close()
    const key = 'exposure-monitor/alerts/f/s1/noise/ceiling/above'
    const saved = (await registry.loadStates(key)).get(key) as { slot: { alertId: string } }
    await registry.saveStates([
      [key, { ...saved, slot: { alertId: 'another' } }],
      ['exposure-monitor/alerts/f/s2/noise/ceiling/above', { key: 'x', slot: 'none' }],
    ])
    const state = await loadMonitorState(registry, UNPARTITIONED_STATE_PREFIX, log)
    expect(state.tracker?.alerts).toHaveLength(monitor.openAlerts() - 1)
    expect(warnings).toMatchObject([
      {
        msg: 'saved alert slots unreadable: those slots start fresh',
        refused: 2,
        first: { key: expect.stringMatching(/^exposure-monitor\/alerts\//) },
      },
    ])
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
