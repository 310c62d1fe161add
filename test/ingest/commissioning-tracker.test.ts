import { pino } from 'pino'
import { beforeEach, expect, it, vi } from 'vitest'
import type { Reading } from '../../core/contract.ts'
import { createCommissioningTracker } from '../../ingest/commissioning-tracker.ts'
import type { RegistryDatabase, SensorAccess } from '../../registry/types.ts'
import { testFacility } from '../support/platform.ts'
import { describeEachRegistry } from '../support/registries.ts'

const MINUTE = 60_000
const DAY = 86_400_000
const t0 = Date.parse('2026-11-23T08:00:00+07:00')
const now = t0 + 2 * 60 * MINUTE

let registry: RegistryDatabase
const access = new Map<string, SensorAccess>()

const reading = (sensorId: string, time: number): Reading => ({
  facilityId: 'f',
  sensorId,
  factor: 'noise',
  value: 80,
  time,
})

async function tracker(clock = () => now) {
  for (const id of ['fitted', 'old']) access.set(id, (await registry.sensorAccess(id))!)
  return createCommissioningTracker({
    registry,
    accessOf: (id) => access.get(id),
    log: pino({ level: 'silent' }),
    now: clock,
  })
}

describeEachRegistry('the commissioning tracker', (opened) => {
  beforeEach(async () => {
    registry = opened().registry
    await registry.createFacility(testFacility('f'))
    const calibrated = { calibratedAt: t0 - DAY, calibrationDue: t0 + 300 * DAY }
    await registry.createSensor(
      { id: 'fitted', facilityId: 'f', model: 'm', serial: '', factors: ['noise'], ...calibrated },
      'h',
    )
    await registry.createSensor(
      { id: 'old', facilityId: 'f', model: 'm', serial: '', factors: ['noise'], commissionedAt: 0 },
      'h',
    )
  })

  it('records a sensor commissioned once its readings meet the checklist, at the time it judged them', async () => {
    const commissioning = await tracker()
    for (let i = 0; i <= 60; i++) commissioning.observe(reading('fitted', t0 + i * MINUTE))
    await commissioning.close()
    const { commissioning: progress } = (await registry.getSensor('fitted'))!
    expect(progress).toMatchObject({
      firstReadingAt: t0,
      runStart: t0,
      keptIntervalS: 60,
      commissionedAt: now,
    })
  })

  it('saves the progress of a sensor still commissioning, and carries it on from the registry next time', async () => {
    let commissioning = await tracker()
    for (let i = 0; i < 30; i++) commissioning.observe(reading('fitted', t0 + i * MINUTE))
    await commissioning.close()
    expect((await registry.getSensor('fitted'))!.commissioning).toMatchObject({
      runStart: t0,
      lastReadingAt: t0 + 29 * MINUTE,
    })
    expect((await registry.getSensor('fitted'))!.commissioning.commissionedAt).toBeUndefined()
    // A restarted ingest reads what was saved and goes on with the same run.
    commissioning = await tracker()
    for (let i = 30; i <= 60; i++) commissioning.observe(reading('fitted', t0 + i * MINUTE))
    await commissioning.close()
    expect((await registry.getSensor('fitted'))!.commissioning.commissionedAt).toBe(now)
  })

  it('leaves commissioned and unknown sensors alone', async () => {
    const commissioning = await tracker()
    commissioning.observe(reading('old', t0))
    commissioning.observe(reading('stranger', t0))
    await commissioning.close()
    expect((await registry.getSensor('old'))!.commissioning).toEqual({ factorsSeen: {}, commissionedAt: 0 })
  })

  it('saves at once when an item turns, else at most once a minute', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      let clock = now
      const commissioning = await tracker(() => clock)
      const stored = async () => (await registry.getSensor('fitted'))!.commissioning
      commissioning.observe(reading('fitted', t0))
      await vi.advanceTimersByTimeAsync(5_000)
      // A save is I/O the fake timers do not wait for (PostgreSQL): wait for what it writes.
      await vi.waitFor(
        async () => expect(await stored()).toMatchObject({ firstReadingAt: t0, lastReadingAt: t0 }),
        { timeout: 10_000 },
      )
      for (let i = 1; i <= 10; i++) commissioning.observe(reading('fitted', t0 + i * MINUTE))
      await vi.advanceTimersByTimeAsync(5_000)
      expect((await stored()).lastReadingAt).toBe(t0)
      clock += 60_000
      await vi.advanceTimersByTimeAsync(5_000)
      await vi.waitFor(async () => expect((await stored()).lastReadingAt).toBe(t0 + 10 * MINUTE), {
        timeout: 10_000,
      })
      await commissioning.close()
    } finally {
      vi.useRealTimers()
    }
  })
})
