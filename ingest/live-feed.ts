import type { Alert } from '../core/alerts.ts'
import type { ExposurePoint, Reading } from '../core/contract.ts'
import { liveTopic } from '../core/topics.ts'
import type { BrokerLink } from './link/link.ts'

/** How often accepted readings and exposure figures go out to the live feed, per facility, as one message. */
export const LIVE_BATCH_INTERVAL_MS = 250

type Batches<T> = Map<string, T[]>

function add<T extends { facilityId: string }>(batches: Batches<T>, item: T): void {
  const batch = batches.get(item.facilityId)
  if (batch === undefined) batches.set(item.facilityId, [item])
  else batch.push(item)
}

/**
 * Publishes what ingest accepted for the API's live feed. Readings and exposures are batched per facility
 * (QoS 0: a live view can miss a frame, the store has them all); alerts go out at once with QoS 1, because
 * the publish-to-alert latency is what an officer feels.
 */
export function createLiveFeed(publish: BrokerLink['publish']) {
  const readings: Batches<Reading> = new Map()
  const exposures: Batches<ExposurePoint> = new Map()
  const timer = setInterval(flush, LIVE_BATCH_INTERVAL_MS)

  function flush(): void {
    for (const [facilityId, batch] of readings) {
      publish(liveTopic(facilityId, 'readings'), JSON.stringify({ readings: batch }), 0)
    }
    for (const [facilityId, batch] of exposures) {
      publish(liveTopic(facilityId, 'exposures'), JSON.stringify({ exposures: batch }), 0)
    }
    readings.clear()
    exposures.clear()
  }

  return {
    reading: (reading: Reading) => add(readings, reading),
    exposure: (exposure: ExposurePoint) => add(exposures, exposure),
    alert(alert: Alert): void {
      publish(liveTopic(alert.facilityId, 'alerts'), JSON.stringify(alert), 1)
    },
    close(): void {
      clearInterval(timer)
      flush()
    },
  }
}
