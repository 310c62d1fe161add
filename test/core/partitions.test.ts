import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { leasePlan, PARTITION_COUNT, partitionOf } from '../../core/partitions.ts'

const PINNED = { 'mine-7': 239, 'cement-hn-001': 201, a: 179, 'HCM.textile_42': 161 }

/** Chi-square of the counts per partition against an even spread. */
function chiSquare(counts: number[], total: number): number {
  const expected = total / counts.length
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0)
}

describe('partitionOf', () => {
  it('gives every facility the partition it had in earlier versions (saved state is keyed by it)', () => {
    for (const [id, partition] of Object.entries(PINNED)) expect(partitionOf(id)).toBe(partition)
  })

  it('gives the same partitions in another process', () => {
    const script = `import('./core/partitions.ts').then((m) => console.log(JSON.stringify(${JSON.stringify(
      Object.keys(PINNED),
    )}.map(m.partitionOf))))`
    const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    expect(JSON.parse(output)).toEqual(Object.values(PINNED))
  })

  it.each([
    ['numbered in sequence', (i: number) => `facility-${String(i).padStart(5, '0')}`],
    ['by province', (i: number) => `${['HN', 'HCM', 'DN', 'HP'][i % 4]}-cement-${i}`],
    ['short', (i: number) => `f${i}`],
  ])('spreads 12,000 facility ids %s evenly over the partitions and over two workers', (_, idOf) => {
    const counts = new Array<number>(PARTITION_COUNT).fill(0)
    for (let i = 0; i < 12_000; i++) {
      const partition = partitionOf(idOf(i))
      expect(partition).toBeGreaterThanOrEqual(0)
      expect(partition).toBeLessThan(PARTITION_COUNT)
      counts[partition]!++
    }
    // About 47 each; a uniform hash stays under 330 (df 255) but for one set in ten thousand.
    expect(chiSquare(counts, 12_000)).toBeLessThan(330)
    expect(Math.min(...counts)).toBeGreaterThan(20)
    expect(Math.max(...counts)).toBeLessThan(80)
    // Two workers claiming in turn hold the lower and the upper half of the partitions.
    const firstWorker = counts.slice(0, PARTITION_COUNT / 2)
    const share = firstWorker.reduce((a, b) => a + b, 0) / 12_000
    expect(share).toBeGreaterThan(0.46)
    expect(share).toBeLessThan(0.54)
  })
})

describe('the lease plan', () => {
  it('brings every worker to its fair share and no further, whatever it holds', () => {
    for (const workers of [1, 2, 3, 7, 255, 256, 300]) {
      const share = Math.ceil(PARTITION_COUNT / workers)
      for (let held = 0; held <= PARTITION_COUNT; held++) {
        const { claim, release } = leasePlan(held, workers)
        expect(claim === 0 || release === 0).toBe(true)
        expect(held + claim - release).toBe(share)
      }
    }
  })

  it('leaves no partition without a claimant: the shares cover them all', () => {
    for (let workers = 1; workers <= 300; workers++) {
      const { claim } = leasePlan(0, workers)
      expect(claim * workers).toBeGreaterThanOrEqual(PARTITION_COUNT)
    }
  })

  it('counts a worker that sees no one alive, itself not yet counted, as alone', () => {
    expect(leasePlan(0, 0)).toEqual({ claim: PARTITION_COUNT, release: 0 })
  })
})
