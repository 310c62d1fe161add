import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExposurePoint, Reading } from '../../core/contract.ts'
import { createSqliteStore, ROWS_PER_TURN } from '../../store/sqlite/store.ts'
import type { TimeSeriesStore } from '../../store/types.ts'

const T0 = Date.parse('2026-12-03T08:00:00Z')

const readings = (count: number, sensorId = 's-1'): Reading[] =>
  Array.from({ length: count }, (_, i) => ({
    facilityId: 'f-1',
    sensorId,
    factor: 'noise',
    value: 80 + (i % 10),
    time: T0 + i * 1000,
  }))

const exposures = (count: number): ExposurePoint[] =>
  Array.from({ length: count }, (_, i) => ({
    facilityId: 'f-1',
    sensorId: `e-${i}`,
    factor: 'noise',
    time: T0 + i,
    shiftStart: T0,
    coverage: 0.5,
    dose: i,
  }))

describe('the SQLite store writes a batch as one transaction, giving the event loop back between pieces', () => {
  let dir: string
  let path: string
  let store: TimeSeriesStore
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-sqlite-batches-'))
    path = join(dir, 'timeseries.sqlite')
    store = createSqliteStore(path)
  })
  afterEach(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** Rows of `table`, read by another connection: what is committed. */
  function committed(table: string): number {
    const reader = new DatabaseSync(path, { readOnly: true })
    try {
      return (reader.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    } finally {
      reader.close()
    }
  }

  it('lets other work run while a large batch is written, and commits it whole', async () => {
    const batch = readings(ROWS_PER_TURN * 8)
    let ranDuring = false
    let committedThen = -1
    const written = store.writeReadings(batch)
    setImmediate(() => {
      ranDuring = true
      committedThen = committed('reading')
    })
    await written
    expect(ranDuring).toBe(true)
    // Another connection saw none of the batch while it was being written: it is one transaction.
    expect(committedThen).toBe(0)
    expect(committed('reading')).toBe(batch.length)
  })

  it('writes batches handed over together one after the other, each whole', async () => {
    await Promise.all([
      store.writeReadings(readings(ROWS_PER_TURN * 3, 'a')),
      store.writeExposures(exposures(ROWS_PER_TURN * 2 + 7)),
      store.writeReadings(readings(ROWS_PER_TURN + 1, 'b')),
    ])
    expect(committed('reading')).toBe(ROWS_PER_TURN * 4 + 1)
    expect(committed('exposure')).toBe(ROWS_PER_TURN * 2 + 7)
    expect(committed('latest_exposure')).toBe(ROWS_PER_TURN * 2 + 7)
  })

  it('stores nothing of a batch SQLite refuses a row of, even after its first pieces, and goes on with the next', async () => {
    const batch = readings(ROWS_PER_TURN * 3)
    // NaN binds as NULL: the NOT NULL constraint refuses it, in the batch's last piece.
    batch[ROWS_PER_TURN * 2 + 5] = { ...(batch[ROWS_PER_TURN * 2 + 5] as Reading), value: Number.NaN }
    const refused = await store.writeReadings(batch).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(Error)
    expect(store.isRetryable(refused)).toBe(false)
    expect(committed('reading')).toBe(0)
    expect(committed('latest_reading')).toBe(0)
    await store.writeReadings(readings(10, 'next'))
    expect(committed('reading')).toBe(10)
  })

  it('finishes a batch being written before it closes', async () => {
    const written = store.writeReadings(readings(ROWS_PER_TURN * 4))
    await store.close()
    await written
    expect(committed('reading')).toBe(ROWS_PER_TURN * 4)
    store = createSqliteStore(path)
  })
})
