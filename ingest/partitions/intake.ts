import type { Logger } from 'pino'
import type { ExposureMonitor, ExposureMonitorState } from '../../core/exposure/monitor.ts'
import { partitionOf } from '../../core/partitions.ts'
import type { PartitionLeaseRepository, Registry, StateRepository } from '../../registry/types.ts'
import { type PartitionedMonitorSet, partitionStatePrefix } from '../monitor-set.ts'
import { loadMonitorState, savePartitionState } from '../monitor-state.ts'
import { startLeaseKeeper } from './lease-keeper.ts'
import type { PartitionSessions } from './sessions.ts'

export interface PartitionedIntakeOptions {
  leases: PartitionLeaseRepository
  /** This worker's name among its peers (its MQTT client id, QUANTRAC_INGEST_CLIENT_ID). */
  workerId: string
  leaseMs: number
  sessions: PartitionSessions
  monitors: PartitionedMonitorSet
  /** Every facility the registry knows: a partition's session subscribes to those in it. */
  facilityIds(): Iterable<string>
  createMonitor(restored: ExposureMonitorState): ExposureMonitor
  state: StateRepository
  shifts: Pick<Registry, 'recordShifts'>
  log: Logger
}

/** Sessions dropped by the broker are taken again this often, while their leases hold. */
const RECONNECT_MS = 1000

/**
 * A partitioned worker's intake (README, Scaling out → Partitioned ingest): the lease keeper decides
 * which partitions are this worker's; for each, this loads its saved state into a monitor of its own and
 * opens its MQTT session, and on giving it back stops its session and saves its state. A partition lost
 * without a say is dropped: what its session had not acknowledged goes to the next owner.
 */
export async function startPartitionedIntake(options: PartitionedIntakeOptions) {
  const { sessions, monitors, log } = options

  function facilitiesOf(partition: number): string[] {
    return [...options.facilityIds()].filter((id) => partitionOf(id) === partition)
  }

  const keeper = startLeaseKeeper({
    leases: options.leases,
    workerId: options.workerId,
    leaseMs: options.leaseMs,
    log,
    async acquired(lease) {
      const statePrefix = partitionStatePrefix(lease.partition)
      const restored = await loadMonitorState(options.state, statePrefix, log)
      monitors.add(lease.partition, { monitor: options.createMonitor(restored), lease, statePrefix })
      await sessions.open(lease.partition, facilitiesOf(lease.partition))
    },
    async releasing(lease) {
      await sessions.close(lease.partition)
      const judged = monitors.get(lease.partition)
      monitors.remove(lease.partition)
      if (judged !== undefined) await savePartitionState(judged, options.state, options.shifts)
    },
    lost(partition) {
      monitors.remove(partition)
      sessions.close(partition).catch((err) => log.warn({ err, partition }, 'could not close a lost session'))
    },
  })
  await keeper.ready()

  const reconnecting = setInterval(() => {
    for (const partition of sessions.disconnected()) {
      if (keeper.holds(partition)) sessions.reconnect(partition)
    }
  }, RECONNECT_MS)

  return {
    /** A facility the registry announced: subscribed at once if its partition is this worker's. */
    facilityAdded(facilityId: string): void {
      const partition = partitionOf(facilityId)
      if (monitors.get(partition) === undefined) return
      sessions
        .addFacility(partition, facilityId)
        .catch((err) => log.warn({ err, facilityId }, 'could not subscribe to a new facility'))
    },
    /** Whether this worker writes for partition 0: the one that copies the alert log to the store. */
    holdsFirstPartition: () => keeper.holds(0),
    held: () => keeper.held(),
    /** Gives every partition back, each session stopped and its state saved. */
    async close(): Promise<void> {
      clearInterval(reconnecting)
      await keeper.close()
      await sessions.closeAll()
    },
  }
}

export type PartitionedIntake = Awaited<ReturnType<typeof startPartitionedIntake>>
