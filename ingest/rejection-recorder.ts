import type { Logger } from 'pino'
import type { RejectionLog, SensorRejection } from '../registry/types.ts'

const FLUSH_MS = 1_000
/** Kept per sensor between two writes: a sensor refused a thousand times a second costs the same as one. */
const PER_SENSOR_PER_FLUSH = 10
/** Kept in all between two writes, whatever the number of sensors. */
const MAX_PENDING = 10_000
const PAYLOAD_SAMPLE_CHARS = 256

/**
 * Gathers the refused messages of registered sensors and writes them to the registry once a second, a few
 * per sensor: enough for a person to see what is wrong, never a write per message (a broken sensor or a
 * flood would otherwise turn every refusal into a registry write).
 */
export function createRejectionRecorder(log: RejectionLog, logger: Logger) {
  let pending = new Map<string, SensorRejection[]>()
  let pendingCount = 0
  let writing = Promise.resolve()

  function flush(): Promise<void> {
    if (pendingCount === 0) return writing
    const batch = [...pending.values()].flat()
    pending = new Map()
    pendingCount = 0
    writing = writing
      .then(() => log.recordRejections(batch))
      .catch((err) => logger.warn({ err }, 'could not record sensor rejections'))
    return writing
  }
  const timer = setInterval(flush, FLUSH_MS)

  return {
    record(
      sensorId: string,
      topic: string,
      reason: string,
      detail: string,
      payload: Buffer,
      receivedAt: number,
    ) {
      const forSensor = pending.get(sensorId) ?? []
      if (forSensor.length >= PER_SENSOR_PER_FLUSH || pendingCount >= MAX_PENDING) return
      forSensor.push({
        sensorId,
        topic,
        reason,
        detail,
        receivedAt,
        payload: payload.subarray(0, PAYLOAD_SAMPLE_CHARS).toString('utf8'),
      })
      pending.set(sensorId, forSensor)
      pendingCount++
    },
    async close(): Promise<void> {
      clearInterval(timer)
      await flush()
    },
  }
}
