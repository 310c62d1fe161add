import type { DatabaseSync } from 'node:sqlite'
import { inTransaction } from '../../sqlite/database.ts'
import { FencedError } from '../errors.ts'
import type { PartitionLease, PartitionLeaseRepository } from '../types.ts'

interface LeaseRow {
  partition: number
  owner: string | null
  epoch: number
  expires_at: number
}

function toLease(row: LeaseRow): PartitionLease {
  return { partition: row.partition, owner: row.owner ?? '', epoch: row.epoch, expiresAt: row.expires_at }
}

/**
 * The partitions' leases in the SQLite file: the workers of one machine sharing it (several `quantrac
 * ingest` processes on one registry file). Each step is one IMMEDIATE transaction, so two workers claiming
 * at once take different partitions. Time is this machine's clock, the same for all of them.
 */
export function partitionLeaseRepository(db: DatabaseSync): PartitionLeaseRepository {
  const statements = {
    heartbeat: db.prepare(
      `INSERT INTO ingest_worker (id, expires_at) VALUES (?, ?)
       ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`,
    ),
    forgetDead: db.prepare('DELETE FROM ingest_worker WHERE expires_at < ?'),
    alive: db.prepare('SELECT count(*) AS n FROM ingest_worker WHERE expires_at >= ?'),
    free: db.prepare(
      'SELECT partition FROM ingest_partition_lease WHERE owner IS NULL OR expires_at < ? ORDER BY partition LIMIT ?',
    ),
    claim: db.prepare(
      `UPDATE ingest_partition_lease SET owner = ?, epoch = epoch + 1, expires_at = ?
       WHERE partition = ? RETURNING partition, owner, epoch, expires_at`,
    ),
    renew: db.prepare(
      `UPDATE ingest_partition_lease SET expires_at = ?
       WHERE partition = ? AND owner = ? AND epoch = ? RETURNING partition, owner, epoch, expires_at`,
    ),
    release: db.prepare(
      'UPDATE ingest_partition_lease SET owner = NULL, expires_at = 0 WHERE partition = ? AND owner = ? AND epoch = ?',
    ),
    list: db.prepare(
      'SELECT partition, owner, epoch, expires_at FROM ingest_partition_lease ORDER BY partition',
    ),
    retire: db.prepare('DELETE FROM ingest_worker WHERE id = ?'),
  }

  return {
    async heartbeat(workerId, ttlMs) {
      const now = Date.now()
      return inTransaction(
        db,
        () => {
          statements.heartbeat.run(workerId, now + ttlMs)
          statements.forgetDead.run(now)
          return (statements.alive.get(now) as { n: number }).n
        },
        'IMMEDIATE',
      )
    },
    async claimPartitions(workerId, max, ttlMs) {
      if (max <= 0) return []
      const now = Date.now()
      return inTransaction(
        db,
        () => {
          const free = statements.free.all(now, max) as { partition: number }[]
          return free.map(({ partition }) =>
            toLease(statements.claim.get(workerId, now + ttlMs, partition) as unknown as LeaseRow),
          )
        },
        'IMMEDIATE',
      )
    },
    async renewLeases(leases, ttlMs) {
      const expiresAt = Date.now() + ttlMs
      return inTransaction(
        db,
        () =>
          leases.flatMap((lease) => {
            const row = statements.renew.get(expiresAt, lease.partition, lease.owner, lease.epoch)
            return row === undefined ? [] : [toLease(row as unknown as LeaseRow)]
          }),
        'IMMEDIATE',
      )
    },
    async releaseLeases(leases) {
      inTransaction(
        db,
        () => {
          for (const lease of leases) statements.release.run(lease.partition, lease.owner, lease.epoch)
        },
        'IMMEDIATE',
      )
    },
    async listLeases() {
      return (statements.list.all() as unknown as LeaseRow[]).map(toLease)
    },
    async retireWorker(workerId) {
      statements.retire.run(workerId)
    },
  }
}

/** Inside a transaction: whether `lease` is its partition's current one. */
export function currentLease(db: DatabaseSync): (lease: PartitionLease) => boolean {
  const current = db.prepare(
    'SELECT 1 FROM ingest_partition_lease WHERE partition = ? AND owner = ? AND epoch = ?',
  )
  return (lease) => current.get(lease.partition, lease.owner, lease.epoch) !== undefined
}

/** Inside a transaction: throws FencedError unless `lease` is its partition's current one. */
export function leaseGuard(db: DatabaseSync): (lease: PartitionLease) => void {
  const isCurrent = currentLease(db)
  return (lease) => {
    if (!isCurrent(lease)) {
      throw new FencedError(`partition ${lease.partition} has a newer owner than epoch ${lease.epoch}`)
    }
  }
}
