import type { Logger } from 'pino'
import { DEAD_LETTER_TOPIC, type SensorAddress } from '../core/topics.ts'
import type { IngestMetrics } from '../metrics/ingest.ts'
import type { RejectionLog } from '../registry/types.ts'
import { REJECTION_REASONS, type Rejection, type RejectionReason } from './decode.ts'
import type { BrokerLink } from './link/link.ts'
import { createRejectionRecorder } from './rejection-recorder.ts'

const DEAD_LETTER_SAMPLE_CHARS = 1024

export interface RejectionsOptions {
  publish: BrokerLink['publish']
  /** Where a registered sensor's refused messages are kept for its page; none if absent. */
  rejectionLog?: RejectionLog
  /** Whether the address names a sensor the registry knows: a stranger's garbage is only counted. */
  isRegistered(address: SensorAddress): boolean
  /** Whether this (reason, topic) is logged for the first time (first-time.ts). */
  firstTime(key: string): boolean
  metrics: IngestMetrics
  log: Logger
}

/**
 * What ingest does with a message or batch item it refuses: counts it by reason, logs it at warn once per
 * (reason, topic), keeps it for the sensor's page when the sensor is registered, and publishes a sample on
 * the dead-letter topic.
 */
export function createRejections(options: RejectionsOptions) {
  const { log, metrics } = options
  const counts = Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, 0])) as Record<
    RejectionReason,
    number
  >
  const recorder = options.rejectionLog && createRejectionRecorder(options.rejectionLog, log)

  return {
    reject(
      topic: string,
      address: SensorAddress | undefined,
      payload: Buffer,
      rejection: Rejection,
      receivedAt: number,
    ): void {
      counts[rejection.reason]++
      metrics.rejected.inc({ reason: rejection.reason })
      if (options.firstTime(`${rejection.reason}\u0000${topic}`)) {
        log.warn({ topic, reason: rejection.reason, detail: rejection.detail }, 'message rejected')
      }
      if (recorder !== undefined && address !== undefined && options.isRegistered(address)) {
        recorder.record(address.sensorId, topic, rejection.reason, rejection.detail, payload, receivedAt)
      }
      options.publish(
        DEAD_LETTER_TOPIC,
        JSON.stringify({
          topic,
          reason: rejection.reason,
          detail: rejection.detail,
          receivedAt: new Date(receivedAt).toISOString(),
          payload: payload.subarray(0, DEAD_LETTER_SAMPLE_CHARS).toString('utf8'),
        }),
        0,
      )
    },
    /** Refusals so far, by reason. */
    counts: (): Record<RejectionReason, number> => ({ ...counts }),
    /** Writes the sensors' refusals still waiting. */
    close: async (): Promise<void> => {
      await recorder?.close()
    },
  }
}
