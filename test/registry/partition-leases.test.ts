import { beforeEach, expect, it } from 'vitest'
import { PARTITION_COUNT } from '../../core/partitions.ts'
import { FencedError } from '../../registry/errors.ts'
import type { RegistryDatabase } from '../../registry/types.ts'
import { testAlert } from '../support/alerts.ts'
import { describeEachRegistry } from '../support/registries.ts'

const MINUTE = 60_000

const alert = testAlert('a1')

/** Partition leases and fenced writes (SQLite 021, PostgreSQL 004): README, Scaling out → Partitioned ingest. */
describeEachRegistry('partition leases', (opened) => {
  let registry: RegistryDatabase

  beforeEach(() => {
    registry = opened().registry
  })

  it('starts with every partition free, at epoch 0', async () => {
    const leases = await registry.listLeases()
    expect(leases).toHaveLength(PARTITION_COUNT)
    expect(leases.every((l) => l.owner === '' && l.epoch === 0)).toBe(true)
  })

  it('counts the workers alive', async () => {
    expect(await registry.heartbeat('w1', MINUTE)).toBe(1)
    expect(await registry.heartbeat('w2', MINUTE)).toBe(2)
    expect(await registry.heartbeat('w1', MINUTE)).toBe(2)
    await registry.retireWorker('w2')
    expect(await registry.heartbeat('w1', MINUTE)).toBe(1)
  })

  it('forgets a worker whose heartbeat expired', async () => {
    await registry.heartbeat('gone', -1)
    expect(await registry.heartbeat('w1', MINUTE)).toBe(1)
  })

  it('gives each partition to one claimant, raising its epoch', async () => {
    const first = await registry.claimPartitions('w1', 200, MINUTE)
    const second = await registry.claimPartitions('w2', 200, MINUTE)
    expect(first.map((l) => l.partition)).toEqual([...Array(200).keys()])
    expect(second.map((l) => l.partition)).toEqual(
      [...Array(PARTITION_COUNT - 200).keys()].map((i) => i + 200),
    )
    expect([...first, ...second].every((l) => l.epoch === 1)).toBe(true)
    expect(await registry.claimPartitions('w3', 10, MINUTE)).toEqual([])
  })

  it('renews only leases still current, and lets an expired one be claimed with a new epoch', async () => {
    const [held] = await registry.claimPartitions('w1', 1, MINUTE)
    expect(await registry.renewLeases([held!], MINUTE)).toEqual([
      expect.objectContaining({ partition: 0, owner: 'w1', epoch: 1 }),
    ])
    // Expired: another worker takes it over.
    await registry.renewLeases([held!], -1)
    const [taken] = await registry.claimPartitions('w2', 1, MINUTE)
    expect(taken).toMatchObject({ partition: 0, owner: 'w2', epoch: 2 })
    // The old owner, back from a pause, cannot renew it.
    expect(await registry.renewLeases([held!], MINUTE)).toEqual([])
  })

  it('frees a released partition at once', async () => {
    const leases = await registry.claimPartitions('w1', 3, MINUTE)
    await registry.releaseLeases(leases.slice(0, 2))
    const claimed = await registry.claimPartitions('w2', 5, MINUTE)
    expect(claimed.slice(0, 2).map((l) => [l.partition, l.epoch])).toEqual([
      [0, 2],
      [1, 2],
    ])
    expect(claimed.map((l) => l.partition)).not.toContain(2)
  })

  it('takes state and detections from the current owner, and refuses a fenced-out one', async () => {
    const [old] = await registry.claimPartitions('w1', 1, MINUTE)
    expect(
      await registry.saveFencedStates([
        { lease: old!, states: [['exposure-monitor/partition/0/alerts', { v: 1 }]] },
      ]),
    ).toEqual([])
    await registry.recordDetections([{ type: 'opened', alert }], {
      lease: old!,
      states: [['exposure-monitor/partition/0/alerts', { v: 2 }]],
    })
    expect(await registry.get('a1')).toMatchObject({ state: 'open' })

    await registry.renewLeases([old!], -1)
    const [current] = await registry.claimPartitions('w2', 1, MINUTE)
    const [other] = await registry.claimPartitions('w1', 1, MINUTE)
    // One transaction for both: the fenced-out group refused, the other written.
    expect(
      await registry.saveFencedStates([
        { lease: old!, states: [['exposure-monitor/partition/0/alerts', { v: 3 }]] },
        { lease: other!, states: [['exposure-monitor/partition/1/alerts', { v: 1 }]] },
      ]),
    ).toEqual([0])
    expect((await registry.loadStates('exposure-monitor/partition/1/')).size).toBe(1)
    await expect(
      registry.recordDetections([{ type: 'cleared', alert: { ...alert, updatedAt: 2000 } }], {
        lease: old!,
        states: [['exposure-monitor/partition/0/alerts', { v: 4 }]],
      }),
    ).rejects.toBeInstanceOf(FencedError)
    // Neither the state nor the alert moved.
    const saved = await registry.loadStates('exposure-monitor/partition/0/')
    expect(saved.get('exposure-monitor/partition/0/alerts')).toEqual({ v: 2 })
    expect(await registry.get('a1')).toMatchObject({ state: 'open' })
    await registry.saveFencedStates([
      { lease: current!, states: [['exposure-monitor/partition/0/alerts', { v: 5 }]] },
    ])
    expect(
      (await registry.loadStates('exposure-monitor/')).get('exposure-monitor/partition/0/alerts'),
    ).toEqual({
      v: 5,
    })
  })
})
