import type { Logger } from 'pino'
import type { DeadLetters } from './spool/dead-letter.ts'
import { type Spool, type SpoolEntry, SpoolFullError } from './spool/spool.ts'

export interface BatchWriterOptions<T> {
  /** The writer's stream in the spool: `readings`, `alert-events`, `exposures`. */
  name: string
  spool: Spool
  /** Where batches the store refuses as invalid are set aside. */
  deadLetters: DeadLetters
  write(items: T[]): Promise<void>
  /** Items per store write. */
  batchSize: number
  /** Longest wait before a partial batch is written to the store. */
  flushIntervalMs: number
  isRetryable(err: unknown): boolean
  log: Logger
  /** Told of every store write that succeeded, for the metrics. */
  onWritten?(written: { items: number; replayed: number; seconds: number }): void
  /** Told of every store write that failed: retried later, or set aside when not retryable. */
  onFailed?(failed: { items: number; retryable: boolean }): void
}

export interface BatchWriterStats {
  /** Items not yet in the store: in the spool, or added and not yet committed to it. */
  pending: number
  /** Items added and not yet committed to the spool (not durable yet). */
  uncommitted: number
  /** Items committed to the spool. */
  spooled: number
  written: number
  /** Items written that had waited through a failed write or a restart. */
  replayed: number
  failedBatches: number
  /** Items the store refused as invalid (4xx): set aside in the dead-letter file, never retried. */
  refused: number
  /** Refused items that did not fit in the dead-letter file any more. */
  dropped: number
  spoolBytes: number
  /** Epoch ms of the oldest item waiting in the spool. */
  oldestSpooled: number | undefined
}

const MAX_BACKOFF_MS = 30_000
/** Committed entries kept in memory for the store, at most this many batches' worth; the rest is read back. */
const MAX_RECENT_BATCHES = 10

/**
 * Collects items, commits them to the disk spool (`commit`, which the caller times so it can acknowledge
 * what became durable), and writes the spool to the store in order, in batches. A retryable failure
 * (store down) leaves the batch in the spool and tries again with exponential backoff and jitter; a
 * permanent one (bad data) sets the batch aside in the dead-letter file and goes on, so bad points never
 * block good ones. Whatever a previous run left in the spool is written first.
 *
 * The spool is for a crash: what this run committed is also kept in memory (up to MAX_RECENT_BATCHES
 * batches) and written from there, so the common path never reads the spool back and parses it again.
 * Past that bound, or while a previous run's entries wait, the writer reads the spool.
 */
export function createBatchWriter<T>(options: BatchWriterOptions<T>) {
  const { spool, name, log } = options
  let uncommitted: T[] = []
  let timer: NodeJS.Timeout | undefined
  let writing: Promise<void> | undefined
  let backingOff = false
  let closed = false
  let attempt = 0
  let spoolFull = false
  // Entries up to this id had to wait (an outage, or a previous run): writing them counts as a replay.
  let backlogUntil = spool.lastId(name)
  const stats = { spooled: 0, written: 0, replayed: 0, failedBatches: 0, refused: 0 }
  // This run's committed entries not yet in the store, oldest first, while they are all of the spool's.
  let recent: SpoolEntry<T>[] = []
  let recentItems = 0
  // The spool holds entries `recent` does not: a previous run's, or ones let go to bound memory.
  let readFromSpool = spool.items(name) > 0
  // Callers of `whenStored`, oldest first, each with the last entry it waits for.
  const storedWaiters: { through: number; resolve: () => void }[] = []
  let lastCommittedId = spool.lastId(name)

  function add(item: T): void {
    uncommitted.push(item)
  }

  /** Makes everything added so far durable in the spool; false when it could not (spool full, disk error). */
  function commit(): boolean {
    if (uncommitted.length === 0) return true
    try {
      // Entries no larger than a batch, so a replay can fill store writes without splitting them.
      while (uncommitted.length > 0) {
        const chunk =
          uncommitted.length <= options.batchSize ? uncommitted : uncommitted.slice(0, options.batchSize)
        const id = spool.append(name, chunk)
        lastCommittedId = id
        remember({ id, created: Date.now(), items: chunk })
        stats.spooled += chunk.length
        uncommitted = chunk === uncommitted ? [] : uncommitted.slice(chunk.length)
      }
    } catch (err) {
      if (!spoolFull) {
        log.error(
          { writer: name, err, spoolBytes: spool.bytes() },
          err instanceof SpoolFullError
            ? 'spool full: ingest stops acknowledging until the store takes some'
            : 'could not write to the spool',
        )
      }
      spoolFull = true
      return false
    }
    if (spoolFull) log.info({ writer: name }, 'spool accepts again')
    spoolFull = false
    schedule()
    return true
  }

  function remember(entry: SpoolEntry<T>): void {
    if (readFromSpool) return
    recent.push(entry)
    recentItems += entry.items.length
    if (recentItems <= MAX_RECENT_BATCHES * options.batchSize) return
    // A long store outage: memory lets go, and the spool (bounded by its own size) is read back later.
    recent = []
    recentItems = 0
    readFromSpool = true
  }

  /** The oldest committed entries, at least one, until `maxItems` items: from memory or the spool. */
  function nextEntries(maxItems: number): SpoolEntry<T>[] {
    if (readFromSpool) {
      const entries = spool.read<T>(name, maxItems)
      // Caught up: what gets committed from now on is written from memory.
      if (entries.length === 0) readFromSpool = false
      return entries
    }
    const entries: SpoolEntry<T>[] = []
    let count = 0
    for (const entry of recent) {
      if (count > 0 && count + entry.items.length > maxItems) break
      entries.push(entry)
      count += entry.items.length
    }
    return entries
  }

  /** Forgets entries up to `lastId` once the store has them (or they were set aside). */
  function forgetThrough(lastId: number): void {
    spool.remove(name, lastId)
    while (recent.length > 0 && recent[0]!.id <= lastId) recentItems -= recent.shift()!.items.length
    while (storedWaiters.length > 0 && storedWaiters[0]!.through <= lastId) storedWaiters.shift()!.resolve()
  }

  function schedule(): void {
    if (closed || writing !== undefined || backingOff) return
    const waiting = spool.items(name)
    if (waiting === 0) return
    if (waiting >= options.batchSize) start(false)
    else timer ??= setTimeout(() => start(true), options.flushIntervalMs)
  }

  function start(partial: boolean): void {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    backingOff = false
    writing = writeToStore({ partialBatch: partial, flushing: false })
      .catch((err) => {
        // The spool itself failed (disk error): try again later rather than lose the writer.
        log.error({ writer: name, err }, 'could not read the spool')
        if (!closed) {
          attempt++
          backingOff = true
          timer = setTimeout(() => start(true), backoff())
        }
      })
      .finally(() => {
        writing = undefined
        schedule()
      })
  }

  /**
   * Writes spooled batches to the store until the spool is empty, a write fails with a retryable error
   * (then a retry is scheduled, unless `flushing`: a flush makes one pass and leaves the rest in the spool),
   * or — without `partialBatch` — only a partial batch is left, for the timer.
   */
  async function writeToStore({
    partialBatch,
    flushing,
  }: {
    partialBatch: boolean
    flushing: boolean
  }): Promise<void> {
    for (;;) {
      const entries = nextEntries(options.batchSize)
      if (entries.length === 0) return
      const items = entries.length === 1 ? entries[0]!.items : entries.flatMap((entry) => entry.items)
      // A batch is as full as it gets when the next entry would not fit (entries are never split): waiting
      // for exactly batchSize items here would return at once and be scheduled again, forever.
      if (!partialBatch && spool.items(name) < options.batchSize) return
      const lastId = entries[entries.length - 1]!.id
      const started = performance.now()
      try {
        await options.write(items)
        attempt = 0
        let replayed = 0
        for (const entry of entries) if (entry.id <= backlogUntil) replayed += entry.items.length
        forgetThrough(lastId)
        stats.written += items.length
        stats.replayed += replayed
        options.onWritten?.({ items: items.length, replayed, seconds: (performance.now() - started) / 1000 })
      } catch (err) {
        stats.failedBatches++
        const retryable = options.isRetryable(err)
        options.onFailed?.({ items: items.length, retryable })
        if (retryable) {
          attempt++
          backlogUntil = spool.lastId(name)
          log.warn(
            { writer: name, err, attempt, spooled: spool.totals(name).items },
            'store write failed, will retry',
          )
          if (!flushing && !closed) {
            backingOff = true
            timer = setTimeout(() => start(true), backoff())
          }
          return
        }
        const setAside = options.deadLetters.add(name, (err as Error).message ?? String(err), items)
        forgetThrough(lastId)
        stats.refused += items.length
        log.error(
          {
            writer: name,
            err,
            items: items.length,
            deadLetters: setAside ? options.deadLetters.path : 'full',
          },
          'store refused a batch; set aside',
        )
      }
      if (closed && !flushing) return
    }
  }

  function backoff(): number {
    const base = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt)
    return base / 2 + Math.random() * (base / 2)
  }

  return {
    add,
    commit,
    /** Items added but not yet durable. */
    uncommitted: () => uncommitted.length,
    /**
     * Resolves once everything committed so far is in the store (or set aside as refused): for a worker
     * that acknowledges only what the store holds, because its spool may not outlive it.
     */
    whenStored(): Promise<void> {
      if (spool.items(name) === 0) return Promise.resolve()
      const through = lastCommittedId
      return new Promise((resolve) => storedWaiters.push({ through, resolve }))
    },
    /** Whether the last commit failed: the caller should stop taking new items. */
    blocked: () => spoolFull,
    /**
     * Commits, then writes everything spooled to the store now, once: resolves when done or when the store
     * fails, leaving what remains in the spool for later (or for the next start).
     */
    async flush(): Promise<void> {
      commit()
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      backingOff = false
      await writing
      writing = writeToStore({ partialBatch: true, flushing: true })
        .catch((err) => log.error({ writer: name, err }, 'could not read the spool'))
        .finally(() => {
          writing = undefined
        })
      await writing
      schedule()
    },
    /** Stops writing: waits for a write under way; what is left stays in the spool. */
    async close(): Promise<void> {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      await writing
    },
    stats(): BatchWriterStats {
      const spooled = spool.totals(name)
      return {
        ...stats,
        pending: spooled.items + uncommitted.length,
        uncommitted: uncommitted.length,
        dropped: options.deadLetters.discarded(),
        spoolBytes: spooled.bytes,
        oldestSpooled: spooled.oldest,
      }
    },
  }
}

export type BatchWriter<T> = ReturnType<typeof createBatchWriter<T>>
