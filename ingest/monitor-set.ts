import type { ExposureMonitor } from '../core/exposure/monitor.ts'
import { partitionOf } from '../core/partitions.ts'
import type { PartitionLease } from '../registry/types.ts'

/** One exposure monitor and where its state is saved: the worker's only one, or one partition's. */
export interface JudgedPartition {
  monitor: ExposureMonitor
  /** The partition's lease, which fences every write of its state; absent for an unpartitioned worker. */
  lease?: PartitionLease
  /** The state keys' common start (`exposure-monitor/`, or `exposure-monitor/partition/{p}/`). */
  statePrefix: string
}

/** The monitors that judge a worker's readings, found by the reading's facility. */
export interface MonitorSet {
  /** The monitor of this facility's readings; undefined when its partition is not this worker's. */
  of(facilityId: string): JudgedPartition | undefined
  all(): Iterable<JudgedPartition>
}

/** The state keys of an unpartitioned worker: as before partitions, so an upgrade keeps its state. */
export const UNPARTITIONED_STATE_PREFIX = 'exposure-monitor/'

export function partitionStatePrefix(partition: number): string {
  return `${UNPARTITIONED_STATE_PREFIX}partition/${partition}/`
}

/** One worker judging every facility. */
export function singleMonitorSet(monitor: ExposureMonitor): MonitorSet {
  const judged: JudgedPartition = { monitor, statePrefix: UNPARTITIONED_STATE_PREFIX }
  return { of: () => judged, all: () => [judged] }
}

/** A partitioned worker's monitors, one per partition it holds; the lease keeper adds and removes them. */
export function partitionedMonitorSet() {
  const byPartition = new Map<number, JudgedPartition>()
  return {
    of: (facilityId: string) => byPartition.get(partitionOf(facilityId)),
    all: () => byPartition.values(),
    get: (partition: number) => byPartition.get(partition),
    add(partition: number, judged: JudgedPartition): void {
      byPartition.set(partition, judged)
    },
    remove(partition: number): void {
      byPartition.delete(partition)
    },
  } satisfies MonitorSet & Record<string, unknown>
}

export type PartitionedMonitorSet = ReturnType<typeof partitionedMonitorSet>
