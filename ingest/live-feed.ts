import type { MqttClient } from 'mqtt'
import type { Alert } from '../core/alerts.ts'
import type { Reading } from '../core/contract.ts'
import { liveTopic } from '../core/topics.ts'

/** How often accepted readings go out to the live feed, per facility, as one message. */
export const LIVE_READINGS_INTERVAL_MS = 250

/**
 * Publishes what ingest accepted for the API's live feed. Readings are batched per facility (QoS 0: a live
 * view can miss a frame, the store has them all); alerts go out at once with QoS 1, because the
 * publish-to-alert latency is what an officer feels.
 */
export function createLiveFeed(client: MqttClient) {
  const readingsByFacility = new Map<string, Reading[]>()
  const timer = setInterval(flushReadings, LIVE_READINGS_INTERVAL_MS)

  function flushReadings(): void {
    for (const [facilityId, readings] of readingsByFacility) {
      client.publish(liveTopic(facilityId, 'readings'), JSON.stringify({ readings }), { qos: 0 })
    }
    readingsByFacility.clear()
  }

  return {
    reading(reading: Reading): void {
      const batch = readingsByFacility.get(reading.facilityId)
      if (batch === undefined) readingsByFacility.set(reading.facilityId, [reading])
      else batch.push(reading)
    },
    alert(alert: Alert): void {
      client.publish(liveTopic(alert.facilityId, 'alerts'), JSON.stringify(alert), { qos: 1 })
    },
    close(): void {
      clearInterval(timer)
      flushReadings()
    },
  }
}
