/**
 * Facility partitions: how several ingest workers share the facilities so that one facility's readings —
 * and so each sensor's windows and alerts — are always judged by one worker, in order.
 *
 * The count is fixed: a facility's partition must not move when workers come and go, and the saved state
 * is keyed by partition. 256 leaves room for up to 256 workers and spreads 12,000 facilities about 47 to a
 * partition. Changing it would move almost every facility, and orphan every partition's saved state.
 */
export const PARTITION_COUNT = 256

const FNV_OFFSET_BASIS = 0x811c9dc5
const FNV_PRIME = 0x01000193

/**
 * The partition of a facility: FNV-1a (32 bits) of its id, mixed by murmur3's finaliser, modulo
 * PARTITION_COUNT. Pure and the same in
 * every process and version (no seed, unlike a runtime's own hash); ids are ASCII (ID_PATTERN), so
 * hashing UTF-16 code units hashes their bytes.
 */
export function partitionOf(facilityId: string): number {
  let hash = FNV_OFFSET_BASIS
  for (let i = 0; i < facilityId.length; i++) {
    hash ^= facilityId.charCodeAt(i)
    hash = Math.imul(hash, FNV_PRIME)
  }
  // FNV-1a's low bits follow the last characters closely (ids numbered in sequence bunch up): murmur3's
  // finaliser mixes every bit into them before the modulo.
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return (hash >>> 0) % PARTITION_COUNT
}

/**
 * What a worker does with its leases this round, with `workers` alive (itself included): claim free
 * partitions up to its fair share — the count spread evenly, rounded up — or give back what it holds over
 * it, so that a worker joining gets its share from the others and one leaving leaves its share to them.
 */
export function leasePlan(held: number, workers: number): { claim: number; release: number } {
  const share = Math.ceil(PARTITION_COUNT / Math.max(1, workers))
  return held < share ? { claim: share - held, release: 0 } : { claim: 0, release: held - share }
}
