import type { AlertEvent } from '../core/alert-lifecycle.ts'
import type { Alert } from '../core/alerts.ts'
import type { ExposurePoint, Reading } from '../core/contract.ts'
import { liveTopic } from '../core/topics.ts'
import type { BrokerLink } from './link/link.ts'

/** How long accepted readings and exposure figures of one facility are gathered into one live message. */
export const LIVE_BATCH_INTERVAL_MS = 250
/**
 * Batches are sent by a timer this much shorter, each tick only those whose time is up: the facilities'
 * batches fall due at different moments, so the work is spread instead of one burst of a thousand
 * messages every 250 ms, which held up alerts evaluated meanwhile by 20–30 ms.
 */
const LIVE_TICK_MS = 25

interface Batch<T> {
  /** When its first item came: it goes out LIVE_BATCH_INTERVAL_MS later. */
  since: number
  items: T[]
}

/** Per facility, in the order their batches were started, which is the order they fall due. */
type Batches<T> = Map<string, Batch<T>>

function add<T extends { facilityId: string }>(batches: Batches<T>, item: T, now: number): void {
  const batch = batches.get(item.facilityId)
  if (batch === undefined) batches.set(item.facilityId, { since: now, items: [item] })
  else batch.items.push(item)
}

/** What `quantrac/v1/live/{facilityId}/notices` carries: an alert event for the people it names. */
export interface LiveNotice {
  at: number
  type: AlertEvent['type']
  to: NonNullable<AlertEvent['to']>
  alert: Alert
}

/**
 * Publishes what ingest accepted for the API's live feed. Readings and exposures are batched per facility
 * (QoS 0: a live view can miss a frame, the store has them all); alerts go out at once with QoS 1, because
 * the publish-to-alert latency is what an officer feels.
 */
export function createLiveFeed(publish: BrokerLink['publish']) {
  const readings: Batches<Reading> = new Map()
  const exposures: Batches<ExposurePoint> = new Map()
  const timer = setInterval(() => flush(Date.now() - LIVE_BATCH_INTERVAL_MS), LIVE_TICK_MS)

  /** Sends the batches started at or before `dueBefore`. */
  function flush(dueBefore: number): void {
    for (const [facilityId, batch] of readings) {
      if (batch.since > dueBefore) break
      readings.delete(facilityId)
      publish(liveTopic(facilityId, 'readings'), JSON.stringify({ readings: batch.items }), 0)
    }
    for (const [facilityId, batch] of exposures) {
      if (batch.since > dueBefore) break
      exposures.delete(facilityId)
      publish(liveTopic(facilityId, 'exposures'), JSON.stringify({ exposures: batch.items }), 0)
    }
  }

  return {
    reading: (reading: Reading) => add(readings, reading, Date.now()),
    exposure: (exposure: ExposurePoint) => add(exposures, exposure, Date.now()),
    alert(alert: Alert): void {
      publish(liveTopic(alert.facilityId, 'alerts'), JSON.stringify(alert), 1)
    },
    /** Tells the people an event names (`to`) of it: the API sends it to their keys' sockets. */
    notice(event: AlertEvent): void {
      const notice: LiveNotice = { at: event.at, type: event.type, to: event.to ?? [], alert: event.alert }
      publish(liveTopic(event.alert.facilityId, 'notices'), JSON.stringify(notice), 1)
    },
    close(): void {
      clearInterval(timer)
      flush(Number.POSITIVE_INFINITY)
    },
  }
}

export type LiveFeed = ReturnType<typeof createLiveFeed>
