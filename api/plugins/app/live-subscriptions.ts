import type { FastifyBaseLogger } from 'fastify'
import { liveFacilityFilters } from '../../../core/topics.ts'
import type { BrokerClient } from '../../broker-client.ts'

export interface LiveSubscriptions {
  /** A facility's room was created or emptied on this instance: its subscription follows, in order. */
  changed(facilityId: string): void
  /** Resolves once the facility's last change has gone to the broker: true if its subscription is held. */
  held(facilityId: string): Promise<boolean>
  /** The facilities this instance receives the live feed of now. */
  facilities(): ReadonlySet<string>
}

/**
 * The MQTT subscriptions of one API instance follow the facilities its sockets watch, so the broker sends
 * each instance only what it serves. Changes are applied one batch at a time — a SUBSCRIBE for the rooms
 * created since the last batch, an UNSUBSCRIBE for those emptied — and each facility's wanted state is read
 * when its batch goes out, so a room emptied and created again in between costs nothing and the broker
 * never sees an unsubscribe overtake a subscribe. A facility waits for its own batch only, however many
 * changes keep coming after it.
 */
export function createLiveSubscriptions(
  broker: Pick<BrokerClient, 'subscribe' | 'unsubscribe'>,
  watched: (facilityId: string) => boolean,
  log: FastifyBaseLogger,
): LiveSubscriptions {
  const subscribed = new Set<string>()
  const pending = new Set<string>()
  /** The batch each facility's last change goes out in. */
  const batchOf = new Map<string, Promise<void>>()
  let next = Promise.withResolvers<void>()
  let draining = false

  async function apply(facilities: string[], subscribe: boolean): Promise<void> {
    if (facilities.length === 0) return
    const filters = facilities.flatMap(liveFacilityFilters)
    try {
      if (subscribe) await broker.subscribe(filters)
      else await broker.unsubscribe(filters)
      for (const facilityId of facilities)
        subscribe ? subscribed.add(facilityId) : subscribed.delete(facilityId)
    } catch (err) {
      log.error({ err, facilities, subscribe }, 'live feed: the broker did not take a subscription change')
    }
  }

  async function drain(): Promise<void> {
    draining = true
    while (pending.size > 0) {
      const batch = [...pending]
      pending.clear()
      const done = next
      next = Promise.withResolvers<void>()
      await apply(
        batch.filter((facilityId) => watched(facilityId) && !subscribed.has(facilityId)),
        true,
      )
      await apply(
        batch.filter((facilityId) => !watched(facilityId) && subscribed.has(facilityId)),
        false,
      )
      for (const facilityId of batch) if (batchOf.get(facilityId) === done.promise) batchOf.delete(facilityId)
      done.resolve()
    }
    // Synchronous with the loop's last check: a change arriving later starts a new drain.
    draining = false
  }

  return {
    changed(facilityId) {
      pending.add(facilityId)
      batchOf.set(facilityId, next.promise)
      if (!draining) void drain()
    },
    async held(facilityId) {
      await batchOf.get(facilityId)
      return subscribed.has(facilityId)
    },
    facilities: () => subscribed,
  }
}
