import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type BatchWriterOptions, createBatchWriter } from '../../ingest/batch-writer.ts'
import { openDeadLetters } from '../../ingest/spool/dead-letter.ts'
import { openSpool, type Spool } from '../../ingest/spool/spool.ts'

const log = pino({ level: 'silent' })

class Permanent extends Error {}

let dir: string
let spool: Spool
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantrac-writer-'))
  spool = openSpool({ path: join(dir, 'spool.sqlite'), maxBytes: 1_000_000 })
})
afterEach(async () => {
  spool.close()
  await rm(dir, { recursive: true, force: true })
})

function writer(
  write: (items: number[]) => Promise<void>,
  overrides: Partial<BatchWriterOptions<number>> = {},
) {
  return createBatchWriter<number>({
    name: 'test',
    spool,
    deadLetters: openDeadLetters({ path: join(dir, 'dead-letter.jsonl'), maxBytes: 1_000_000 }),
    write,
    batchSize: 3,
    flushIntervalMs: 50,
    isRetryable: (err) => !(err instanceof Permanent),
    log,
    ...overrides,
  })
}

describe('the spooled batch writer', () => {
  it('commits to the spool, then writes full batches and the rest on flush, in order', async () => {
    const batches: number[][] = []
    const w = writer(async (items) => {
      batches.push(items)
    })
    for (let i = 1; i <= 7; i++) w.add(i)
    expect(w.stats()).toMatchObject({ uncommitted: 7, pending: 7, spooled: 0 })
    expect(w.commit()).toBe(true)
    expect(w.stats()).toMatchObject({ uncommitted: 0, spooled: 7 })
    await w.flush()
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(batches.every((b) => b.length <= 3)).toBe(true)
    expect(w.stats()).toMatchObject({ pending: 0, written: 7, spoolBytes: 0 })
    await w.close()
  })

  it('writes without waiting when the spool holds a batch in entries that do not add up to one exactly', async () => {
    const batches: number[][] = []
    const w = writer(
      async (items) => {
        batches.push(items)
      },
      { batchSize: 10, flushIntervalMs: 60_000 },
    )
    // Commits of 4: a batch of 10 is never met exactly, only 8 fit; the writer must take 8 at a time.
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 4; j++) w.add(i * 4 + j)
      expect(w.commit()).toBe(true)
    }
    await vi.waitFor(() => expect(batches.flat().length).toBeGreaterThanOrEqual(16), { timeout: 2000 })
    expect(batches.every((batch) => batch.length === 8)).toBe(true)
    await w.close()
  })

  it('writes a partial batch once the flush interval has passed', async () => {
    const write = vi.fn(async (_items: number[]) => {})
    const w = writer(write)
    w.add(1)
    w.commit()
    await vi.waitFor(() => expect(write).toHaveBeenCalledWith([1]))
    expect(w.stats().written).toBe(1)
    await w.close()
  })

  it('keeps batches in the spool through a store outage and replays them in order when the store is back', async () => {
    let down = true
    const written: number[] = []
    const w = writer(async (items) => {
      if (down) throw new Error('ECONNREFUSED')
      written.push(...items)
    })
    for (let i = 1; i <= 5; i++) w.add(i)
    w.commit()
    await w.flush()
    expect(w.stats()).toMatchObject({ pending: 5, written: 0 })
    expect(w.stats().failedBatches).toBeGreaterThan(0)
    expect(w.stats().oldestSpooled).toBeLessThanOrEqual(Date.now())
    down = false
    w.add(6)
    w.commit()
    await vi.waitFor(() => expect(written).toEqual([1, 2, 3, 4, 5, 6]), { timeout: 5000 })
    expect(w.stats()).toMatchObject({ pending: 0, written: 6, replayed: 5 })
    await w.close()
  })

  it('lets go of memory in an outage longer than ten batches, reads the spool back in order, then uses memory again', async () => {
    let down = true
    const written: number[] = []
    const w = writer(async (items) => {
      if (down) throw new Error('ECONNREFUSED')
      written.push(...items)
    })
    // 40 items in 20 commits: past the 30 items (10 batches of 3) kept in memory.
    for (let i = 1; i <= 40; i++) {
      w.add(i)
      if (i % 2 === 0) w.commit()
    }
    await w.flush()
    expect(w.stats()).toMatchObject({ pending: 40, written: 0 })
    down = false
    await w.flush()
    for (const i of [41, 42, 43]) w.add(i)
    w.commit()
    await vi.waitFor(() => expect(written).toEqual(Array.from({ length: 43 }, (_, i) => i + 1)), {
      timeout: 5000,
    })
    expect(w.stats()).toMatchObject({ pending: 0, written: 43 })
    expect(spool.items('test')).toBe(0)
    await w.close()
  })

  it('writes on its next start what a previous run left in the spool, first', async () => {
    const first = writer(async () => {
      throw new Error('down')
    })
    for (const i of [1, 2]) first.add(i)
    first.commit()
    await first.flush()
    await first.close()
    const written: number[] = []
    const second = writer(async (items) => {
      written.push(...items)
    })
    second.add(3)
    second.commit()
    await second.flush()
    expect(written).toEqual([1, 2, 3])
    expect(second.stats()).toMatchObject({ replayed: 2, written: 3 })
    await second.close()
  })

  it('sets aside a batch the store refuses as invalid in the dead-letter file, with the reason, and goes on', async () => {
    const written: number[] = []
    const w = writer(async (items) => {
      if (items.includes(2)) throw new Permanent('400 field type conflict')
      written.push(...items)
    })
    for (const i of [1, 2, 3, 4, 5]) w.add(i)
    w.commit()
    await w.flush()
    expect(written).toEqual([4, 5])
    expect(w.stats()).toMatchObject({ refused: 3, written: 2, pending: 0 })
    const letter = JSON.parse(await readFile(join(dir, 'dead-letter.jsonl'), 'utf8'))
    expect(letter).toMatchObject({ stream: 'test', reason: '400 field type conflict', items: [1, 2, 3] })
    await w.close()
  })

  it('says it is blocked while the spool is full, keeps the items, and commits them once there is room', async () => {
    spool.close()
    spool = openSpool({ path: join(dir, 'small.sqlite'), maxBytes: 30 })
    let down = true
    const w = writer(async () => {
      if (down) throw new Error('down')
    })
    for (let i = 0; i < 4; i++) w.add(1000 + i)
    expect(w.commit()).toBe(true)
    for (let i = 0; i < 4; i++) w.add(2000 + i)
    expect(w.commit()).toBe(false)
    expect(w.blocked()).toBe(true)
    expect(w.stats()).toMatchObject({ uncommitted: 4, pending: 8 })
    down = false
    await w.flush()
    expect(w.commit()).toBe(true)
    expect(w.blocked()).toBe(false)
    await w.flush()
    expect(w.stats()).toMatchObject({ written: 8, pending: 0 })
    await w.close()
  })
})
