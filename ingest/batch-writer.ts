import type { Logger } from 'pino'

export interface BatchWriterOptions<T> {
  name: string
  write(items: T[]): Promise<void>
  /** Flush as soon as this many items wait. */
  batchSize: number
  /** …or this long after the first item of a batch arrived. */
  flushIntervalMs: number
  /** Items held while the store is failing; past it the oldest are dropped and counted. */
  maxPending: number
  isRetryable(err: unknown): boolean
  log: Logger
}

export interface BatchWriterStats {
  pending: number
  written: number
  failedBatches: number
  /** Items the store refused as invalid (4xx): set aside, never retried. */
  refused: number
  /** Items dropped because maxPending was reached during an outage. */
  dropped: number
}

const MAX_BACKOFF_MS = 30_000

/**
 * Collects items into batches and writes them one batch at a time, in order. A retryable failure
 * (store down) keeps the batch and tries again with exponential backoff and jitter; a permanent one
 * (bad data) logs the batch's first error and moves on so bad points never block good ones.
 */
export function createBatchWriter<T>(options: BatchWriterOptions<T>) {
  const pending: T[] = []
  let timer: NodeJS.Timeout | undefined
  let writing: Promise<void> | undefined
  let attempt = 0
  const stats: BatchWriterStats = { pending: 0, written: 0, failedBatches: 0, refused: 0, dropped: 0 }

  function add(item: T): void {
    pending.push(item)
    if (pending.length > options.maxPending) {
      const excess = pending.length - options.maxPending
      pending.splice(0, excess)
      stats.dropped += excess
      options.log.error(
        { writer: options.name, dropped: stats.dropped },
        'store unavailable too long: oldest items dropped',
      )
    }
    if (writing === undefined) {
      if (pending.length >= options.batchSize) void drain()
      else timer ??= setTimeout(() => void drain(), options.flushIntervalMs)
    }
  }

  function drain(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    writing ??= writeAll().finally(() => {
      writing = undefined
      if (pending.length > 0 && timer === undefined) timer = setTimeout(() => void drain(), delay())
    })
    return writing
  }

  async function writeAll(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, options.batchSize)
      try {
        await options.write(batch)
        stats.written += batch.length
        attempt = 0
      } catch (err) {
        stats.failedBatches++
        if (options.isRetryable(err)) {
          attempt++
          options.log.warn(
            { writer: options.name, err, attempt, pending: pending.length },
            'store write failed, will retry',
          )
          return
        }
        stats.refused += batch.length
        options.log.error(
          { writer: options.name, err, items: batch.length },
          'store refused a batch; set aside',
        )
      }
      pending.splice(0, batch.length)
    }
  }

  function delay(): number {
    if (attempt === 0) return options.flushIntervalMs
    const base = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt)
    return base / 2 + Math.random() * (base / 2)
  }

  return {
    add,
    /** Writes everything pending now; resolves when done or when the store fails. */
    flush: drain,
    stats(): BatchWriterStats {
      return { ...stats, pending: pending.length }
    },
  }
}
