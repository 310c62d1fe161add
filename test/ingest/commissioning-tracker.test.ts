import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Reading } from '../../core/contract.ts'
import { createCommissioningTracker } from '../../ingest/commissioning-tracker.ts'
import { openSqliteRegistry } from '../../registry/sqlite/registry.ts'
import type { SensorAccess } from '../../registry/types.ts'
import { testFacility } from '../support/platform.ts'

const MINUTE = 60_000
const DAY = 86_400_000
const t0 = Date.parse('2026-11-23T08:00:00+07:00')
const now = t0 + 2 * 60 * MINUTE

let dir: string
let registry: ReturnType<typeof openSqliteRegistry>
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

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-tracker-'))
  registry = openSqliteRegistry(join(dir, 'registry.sqlite'))
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

afterEach(async () => {
  registry.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the commissioning tracker', () => {
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
      expect(await stored()).toMatchObject({ firstReadingAt: t0, lastReadingAt: t0 })
      for (let i = 1; i <= 10; i++) commissioning.observe(reading('fitted', t0 + i * MINUTE))
      await vi.advanceTimersByTimeAsync(5_000)
      expect((await stored()).lastReadingAt).toBe(t0)
      clock += 60_000
      await vi.advanceTimersByTimeAsync(5_000)
      expect((await stored()).lastReadingAt).toBe(t0 + 10 * MINUTE)
      await commissioning.close()
    } finally {
      vi.useRealTimers()
    }
  })
})
