import { join } from 'node:path'
import type { Logger } from 'pino'
import type { IngestMetrics } from '../../metrics/ingest.ts'
import type { BatchWriterOptions } from '../batch-writer.ts'
import { openDeadLetters } from './dead-letter.ts'
import { openSpool } from './spool.ts'

const DEAD_LETTER_MAX_BYTES = 104_857_600

export interface IngestSpoolOptions {
  /** `QUANTRAC_DATA_DIR/spool`. */
  dir: string
  /** The ingest's MQTT client id: one spool per client, so two workers never replay each other's entries. */
  clientId: string
  /** QUANTRAC_SPOOL_MAX_BYTES. */
  maxBytes: number
  isRetryable(err: unknown): boolean
  log: Logger
  metrics: IngestMetrics
}

/**
 * Opens the spool and dead-letter file of one ingest, and gives each of its batch writers the options that
 * tie it to them and to the metrics.
 */
export function openIngestSpool(options: IngestSpoolOptions) {
  const metrics = options.metrics
  const spool = openSpool({
    path: join(options.dir, `${options.clientId.replace(/[^\w.-]/g, '_')}.sqlite`),
    maxBytes: options.maxBytes,
  })
  const deadLetters = openDeadLetters({
    path: join(options.dir, 'dead-letter.jsonl'),
    maxBytes: DEAD_LETTER_MAX_BYTES,
  })

  return {
    spool,
    /** The options of the writer of `stream`, but for what it writes and how much at once. */
    writer(
      stream: string,
    ): Pick<
      BatchWriterOptions<unknown>,
      'name' | 'spool' | 'deadLetters' | 'isRetryable' | 'log' | 'onWritten' | 'onFailed'
    > {
      return {
        name: stream,
        spool,
        deadLetters,
        isRetryable: options.isRetryable,
        log: options.log,
        onWritten(written) {
          metrics.written.inc({ stream }, written.items)
          if (written.replayed > 0) metrics.replayed.inc({ stream }, written.replayed)
          metrics.writeSeconds.observe({ stream }, written.seconds)
        },
        onFailed(failed) {
          metrics.writeFailures.inc({ stream, retryable: String(failed.retryable) })
          if (!failed.retryable) metrics.deadLettered.inc({ stream }, failed.items)
        },
      }
    },
  }
}
