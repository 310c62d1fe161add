import { pino } from 'pino'
import { describe, expect, it, vi } from 'vitest'
import { createBatchWriter } from '../../ingest/batch-writer.ts'

const log = pino({ level: 'silent' })

class Permanent extends Error {}

function writer(write: (items: number[]) => Promise<void>, overrides = {}) {
  return createBatchWriter<number>({
    name: 'test',
    write,
    batchSize: 3,
    flushIntervalMs: 50,
    maxPending: 100,
    isRetryable: (err) => !(err instanceof Permanent),
    log,
    ...overrides,
  })
}

describe('the batch writer', () => {
  it('writes full batches at once and the rest on flush, in order', async () => {
    const batches: number[][] = []
    const w = writer(async (items) => {
      batches.push(items)
    })
    for (let i = 1; i <= 7; i++) w.add(i)
    await w.flush()
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(batches.every((b) => b.length <= 3)).toBe(true)
    expect(w.stats()).toMatchObject({ pending: 0, written: 7 })
  })

  it('writes a partial batch once the flush interval has passed', async () => {
    const write = vi.fn(async (_items: number[]) => {})
    const w = writer(write)
    w.add(1)
    await vi.waitFor(() => expect(write).toHaveBeenCalledWith([1]))
    expect(w.stats().written).toBe(1)
  })

  it('keeps a batch through a store outage and writes it when the store is back', async () => {
    let down = true
    const written: number[] = []
    const w = writer(async (items) => {
      if (down) throw new Error('ECONNREFUSED')
      written.push(...items)
    })
    w.add(1)
    w.add(2)
    await w.flush()
    expect(w.stats()).toMatchObject({ pending: 2, written: 0, failedBatches: 1 })
    down = false
    await vi.waitFor(() => expect(written).toEqual([1, 2]), { timeout: 5000 })
  })

  it('sets aside a batch the store refuses as invalid and goes on with the next', async () => {
    const written: number[] = []
    const w = writer(async (items) => {
      if (items.includes(2)) throw new Permanent('400 bad point')
      written.push(...items)
    })
    for (const i of [1, 2, 3, 4, 5]) w.add(i)
    await w.flush()
    expect(written).toEqual([4, 5])
    expect(w.stats()).toMatchObject({ refused: 3, written: 2, pending: 0 })
  })

  it('drops and counts the oldest items when an outage outlasts maxPending', async () => {
    const w = writer(
      async () => {
        throw new Error('down')
      },
      { maxPending: 4, batchSize: 1000 },
    )
    for (let i = 0; i < 10; i++) w.add(i)
    expect(w.stats()).toMatchObject({ pending: 4, dropped: 6 })
  })
})
