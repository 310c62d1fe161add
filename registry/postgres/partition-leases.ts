import type pg from 'pg'
import { FencedError } from '../errors.ts'
import type { PartitionLease, PartitionLeaseRepository } from '../types.ts'
import { inTransaction, type Queryable } from './database.ts'

/** The database's clock in epoch ms: one clock for every worker, whatever their machines' say. */
const NOW = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint'
const LEASE_COLUMNS = 'partition, owner, epoch, expires_at AS "expiresAt"'

/**
 * The partitions' leases in PostgreSQL, shared by every ingest worker of the deployment. A claim locks the
 * rows it takes (`FOR UPDATE SKIP LOCKED`: two workers claiming at once take different partitions), and a
 * fenced write locks its lease row `FOR SHARE` in its own transaction, so a takeover waits for a write under
 * way and every later write of the old owner sees the new epoch and is refused.
 */
export function partitionLeaseRepository(pool: pg.Pool): PartitionLeaseRepository {
  return {
    async heartbeat(workerId, ttlMs) {
      return inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO ingest_worker (id, expires_at) VALUES ($1, ${NOW} + $2)
           ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`,
          [workerId, ttlMs],
        )
        await client.query(`DELETE FROM ingest_worker WHERE expires_at < ${NOW}`)
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM ingest_worker')
        return rows[0]!.n
      })
    },
    async claimPartitions(workerId, max, ttlMs) {
      if (max <= 0) return []
      const { rows } = await pool.query<PartitionLease>(
        `UPDATE ingest_partition_lease SET owner = $1, epoch = epoch + 1, expires_at = ${NOW} + $2
         WHERE partition IN (
           SELECT partition FROM ingest_partition_lease WHERE owner IS NULL OR expires_at < ${NOW}
           ORDER BY partition LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING ${LEASE_COLUMNS}`,
        [workerId, ttlMs, max],
      )
      return rows.sort((a, b) => a.partition - b.partition)
    },
    async renewLeases(leases, ttlMs) {
      if (leases.length === 0) return []
      const { rows } = await pool.query<PartitionLease>(
        `UPDATE ingest_partition_lease AS l SET expires_at = ${NOW} + $4
         FROM unnest($1::int[], $2::text[], $3::bigint[]) AS h (partition, owner, epoch)
         WHERE l.partition = h.partition AND l.owner = h.owner AND l.epoch = h.epoch
         RETURNING l.partition, l.owner, l.epoch, l.expires_at AS "expiresAt"`,
        [leases.map((l) => l.partition), leases.map((l) => l.owner), leases.map((l) => l.epoch), ttlMs],
      )
      return rows.sort((a, b) => a.partition - b.partition)
    },
    async releaseLeases(leases) {
      if (leases.length === 0) return
      await pool.query(
        `UPDATE ingest_partition_lease AS l SET owner = NULL, expires_at = 0
         FROM unnest($1::int[], $2::text[], $3::bigint[]) AS h (partition, owner, epoch)
         WHERE l.partition = h.partition AND l.owner = h.owner AND l.epoch = h.epoch`,
        [leases.map((l) => l.partition), leases.map((l) => l.owner), leases.map((l) => l.epoch)],
      )
    },
    async listLeases() {
      const { rows } = await pool.query<PartitionLease & { owner: string | null }>(
        `SELECT ${LEASE_COLUMNS} FROM ingest_partition_lease ORDER BY partition`,
      )
      return rows.map((row) => ({ ...row, owner: row.owner ?? '' }))
    },
    async retireWorker(workerId) {
      await pool.query('DELETE FROM ingest_worker WHERE id = $1', [workerId])
    },
  }
}

/**
 * Inside a transaction: the partitions of `leases` that are still current, their rows locked `FOR SHARE`
 * until it ends (a takeover waits for the write, and every later one sees the new epoch).
 */
export async function currentLeases(
  client: Queryable,
  leases: readonly PartitionLease[],
): Promise<Set<number>> {
  const { rows } = await client.query<{ partition: number }>(
    `SELECT l.partition FROM ingest_partition_lease AS l
     JOIN unnest($1::int[], $2::text[], $3::bigint[]) AS h (partition, owner, epoch)
       ON l.partition = h.partition AND l.owner = h.owner AND l.epoch = h.epoch
     ORDER BY l.partition
     FOR SHARE OF l`,
    [leases.map((l) => l.partition), leases.map((l) => l.owner), leases.map((l) => l.epoch)],
  )
  return new Set(rows.map((row) => row.partition))
}

/** Inside a transaction: throws FencedError unless `lease` is its partition's current one. */
export async function checkLease(client: Queryable, lease: PartitionLease): Promise<void> {
  const { rowCount } = await client.query(
    'SELECT 1 FROM ingest_partition_lease WHERE partition = $1 AND owner = $2 AND epoch = $3 FOR SHARE',
    [lease.partition, lease.owner, lease.epoch],
  )
  if (rowCount === 0) {
    throw new FencedError(`partition ${lease.partition} has a newer owner than epoch ${lease.epoch}`)
  }
}
