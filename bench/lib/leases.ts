import type { PartitionLeaseRepository } from '../../registry/types.ts'

/** Partitions each worker holds a current lease on, by worker id. */
export async function leasesByOwner(leases: Pick<PartitionLeaseRepository, 'listLeases'>) {
  const held: Record<string, number> = {}
  const now = Date.now()
  for (const lease of await leases.listLeases()) {
    if (lease.owner !== '' && lease.expiresAt > now) held[lease.owner] = (held[lease.owner] ?? 0) + 1
  }
  return held
}

/**
 * Resolves, with the time it happened, once the leases stand exactly as `expected` (partitions by worker
 * id); throws after `timeoutMs` with how they stood.
 */
export async function leasesSettle(
  leases: Pick<PartitionLeaseRepository, 'listLeases'>,
  expected: Record<string, number>,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs
  const want = JSON.stringify(Object.entries(expected).sort())
  for (;;) {
    const held = await leasesByOwner(leases)
    if (JSON.stringify(Object.entries(held).sort()) === want) return Date.now()
    if (Date.now() > deadline)
      throw new Error(
        `leases held ${JSON.stringify(held)}, not ${JSON.stringify(expected)}, after ${timeoutMs} ms`,
      )
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
