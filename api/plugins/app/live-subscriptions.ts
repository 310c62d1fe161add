import type { FastifyBaseLogger } from 'fastify'
import { liveFacilityFilters } from '../../../core/topics.ts'
import type { BrokerClient } from '../../broker-client.ts'

export interface LiveSubscriptions {
  /** A facility's room was created or emptied on this instance: its subscription follows, in order. */
  changed(facilityId: string): void
  /** Resolves once the subscriptions caught up with every change so far; true if `facilityId`'s is held. */
  held(facilityId: string): Promise<boolean>
  /** The facilities this instance receives the live feed of now. */
  facilities(): ReadonlySet<string>
}

/**
 * The MQTT subscriptions of one API instance follow the facilities its sockets watch, so the broker sends
 * each instance only what it serves. Changes are applied one batch at a time — a SUBSCRIBE for the rooms
 * created since the last batch, an UNSUBSCRIBE for those emptied — and each facility's wanted state is read
 * when its batch goes out, so a room emptied and created again in between costs nothing and the broker
 * never sees an unsubscribe overtake a subscribe.
 */
export function createLiveSubscriptions(
  broker: Pick<BrokerClient, 'subscribe' | 'unsubscribe'>,
  watched: (facilityId: string) => boolean,
  log: FastifyBaseLogger,
): LiveSubscriptions {
  const subscribed = new Set<string>()
  const pending = new Set<string>()
  let draining: Promise<void> | undefined

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
    try {
      while (pending.size > 0) {
        const batch = [...pending]
        pending.clear()
        await apply(
          batch.filter((facilityId) => watched(facilityId) && !subscribed.has(facilityId)),
          true,
        )
        await apply(
          batch.filter((facilityId) => !watched(facilityId) && subscribed.has(facilityId)),
          false,
        )
      }
    } finally {
      // Synchronous with the loop's last check: a change arriving later starts a new drain.
      draining = undefined
    }
  }

  return {
    changed(facilityId) {
      pending.add(facilityId)
      draining ??= drain()
    },
    async held(facilityId) {
      while (draining !== undefined) await draining
      return subscribed.has(facilityId)
    },
    facilities: () => subscribed,
  }
}
