import { describe, expect, it } from 'vitest'
import { PARTITION_COUNT } from '../../core/partitions.ts'
import { isServiceClientId } from '../../core/topics.ts'
import { isPartitionClientId, partitionClientId } from '../../ingest/partitions/sessions.ts'

describe('the partitions’ MQTT client ids', () => {
  it('are one per partition, services’ ids no sensor may take, and known for what they are', () => {
    const ids = Array.from({ length: PARTITION_COUNT }, (_, p) => partitionClientId(p))
    expect(new Set(ids).size).toBe(PARTITION_COUNT)
    expect(ids[0]).toBe('quantrac-ingest-p000')
    expect(ids[255]).toBe('quantrac-ingest-p255')
    for (const id of ids) {
      expect(isServiceClientId(id)).toBe(true)
      expect(isPartitionClientId(id)).toBe(true)
    }
    for (const worker of [
      'quantrac-ingest',
      'quantrac-ingest-1',
      'quantrac-ingest-p1',
      'quantrac-ingest-p0001',
    ])
      expect(isPartitionClientId(worker)).toBe(false)
  })
})
