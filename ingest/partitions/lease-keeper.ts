import type { Logger } from 'pino'
import { leasePlan } from '../../core/partitions.ts'
import type { PartitionLease, PartitionLeaseRepository } from '../../registry/types.ts'

export interface LeaseKeeperOptions {
  leases: PartitionLeaseRepository
  workerId: string
  /** How long a lease lasts unrenewed: a dead worker's partitions wait this long for a new owner. */
  leaseMs: number
  /** A partition became this worker's: load its state, open its session. */
  acquired(lease: PartitionLease): Promise<void>
  /** This worker gives the partition back (a rebalance, a shutdown): save its state, close its session. */
  releasing(lease: PartitionLease): Promise<void>
  /** The partition is no longer this worker's, without a say: drop it and write nothing more of it. */
  lost(partition: number): void
  log: Logger
}

/** Partitions are opened this many at a time: a worker starting alone takes all 256. */
const OPEN_AT_ONCE = 16

/**
 * Holds this worker's share of the partitions through leases in the registry: every third of a lease it
 * beats its heart, renews what it holds, claims free partitions up to its fair share and gives back what
 * it holds over it (core/partitions.ts, leasePlan). A lease it could not renew in time — the registry out
 * of reach, or the process paused — is dropped at its local expiry, before another worker may claim it.
 */
export function startLeaseKeeper(options: LeaseKeeperOptions) {
  const { leases, workerId, leaseMs, log } = options
  /** By partition, with when (this process's clock) the lease was last known to hold. */
  const held = new Map<number, { lease: PartitionLease; confirmedAt: number }>()
  let round: Promise<void> = Promise.resolve()
  let closed = false

  function drop(partition: number, why: string): void {
    if (!held.delete(partition)) return
    log.warn({ partition }, `partition lost: ${why}`)
    options.lost(partition)
  }

  async function inBatches(items: readonly PartitionLease[], work: (lease: PartitionLease) => Promise<void>) {
    for (let i = 0; i < items.length; i += OPEN_AT_ONCE) {
      await Promise.all(items.slice(i, i + OPEN_AT_ONCE).map(work))
    }
  }

  async function keep(): Promise<void> {
    const startedAt = Date.now()
    const workers = await leases.heartbeat(workerId, leaseMs)
    const mine = [...held.values()].map((h) => h.lease)
    const renewed = await leases.renewLeases(mine, leaseMs)
    const still = new Set(renewed.map((l) => l.partition))
    for (const lease of mine)
      if (!still.has(lease.partition)) drop(lease.partition, 'another worker holds it')
    for (const lease of renewed) held.set(lease.partition, { lease, confirmedAt: startedAt })
    if (closed) return
    const plan = leasePlan(held.size, workers)
    if (plan.claim > 0) {
      const claimed = await leases.claimPartitions(workerId, plan.claim, leaseMs)
      for (const lease of claimed) held.set(lease.partition, { lease, confirmedAt: startedAt })
      await inBatches(claimed, async (lease) => {
        try {
          await options.acquired(lease)
        } catch (err) {
          // Given back so another worker (or this one, next round) tries: its readings wait in the broker.
          log.error({ err, partition: lease.partition }, 'could not take up a partition; giving it back')
          held.delete(lease.partition)
          options.lost(lease.partition)
          await leases.releaseLeases([lease])
        }
      })
      if (claimed.length > 0)
        log.info({ claimed: claimed.length, held: held.size, workers }, 'partitions claimed')
    }
    if (plan.release > 0) {
      const giving = [...held.values()].map((h) => h.lease).slice(-plan.release)
      await giveBack(giving)
      log.info({ released: giving.length, held: held.size, workers }, 'partitions given back for a rebalance')
    }
  }

  async function giveBack(giving: readonly PartitionLease[]): Promise<void> {
    await inBatches(giving, async (lease) => {
      try {
        await options.releasing(lease)
      } finally {
        held.delete(lease.partition)
      }
    })
    await leases.releaseLeases(giving)
  }

  /** Leases this process could not confirm for a whole lease's length may be another's by now. */
  function dropUnconfirmed(): void {
    const now = Date.now()
    for (const [partition, { confirmedAt }] of held) {
      if (now - confirmedAt >= leaseMs) drop(partition, 'its lease could not be renewed in time')
    }
  }

  let keeping = false
  /** Every third of a lease: expiry checked whatever else is under way, then a round unless one still runs. */
  function next(): void {
    dropUnconfirmed()
    if (keeping) return
    keeping = true
    round = keep()
      .catch((err) => log.error({ err }, 'could not keep the partition leases; retrying'))
      .finally(() => {
        keeping = false
      })
  }

  next()
  const timer = setInterval(next, Math.max(100, Math.floor(leaseMs / 3)))

  return {
    /** The lease this worker holds on a partition, if any: what its writes are fenced with. */
    leaseOf(partition: number): PartitionLease | undefined {
      return held.get(partition)?.lease
    },
    /** Whether the lease on this partition is still this worker's as far as it knows. */
    holds(partition: number): boolean {
      const entry = held.get(partition)
      return entry !== undefined && Date.now() - entry.confirmedAt < leaseMs
    },
    /** Resolves after the first round: the partitions free at start are this worker's. */
    ready: () => round,
    held: () => [...held.keys()],
    /** Gives every partition back (their states saved), and leaves the workers' count. */
    async close(): Promise<void> {
      closed = true
      clearInterval(timer)
      await round
      try {
        await giveBack([...held.values()].map((h) => h.lease))
        await leases.retireWorker(workerId)
      } catch (err) {
        log.error({ err }, 'could not give the partitions back; they are claimable once their leases expire')
      }
    },
  }
}

export type LeaseKeeper = ReturnType<typeof startLeaseKeeper>
