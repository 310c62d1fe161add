import type { GenerateFleetOptions } from '../../simulators/fleet.ts'
import type { BenchContext } from './context.ts'
import type { SectionId, SectionResult } from './report.ts'

export type SectionBody = Pick<SectionResult, 'summary' | 'tables' | 'notes' | 'data' | 'losses'>

export interface Section {
  id: SectionId
  title: string
  run(ctx: BenchContext): Promise<SectionBody>
}

/**
 * The fleet the throughput runs publish: 5,000 sensors, the simulator's device mix, in 1,000 facilities.
 * Large enough that no sensor goes past ingest's per-sensor rate limit (20 messages/s) below ~220,000
 * readings/s, and spread so that no facility's live-feed frame (its readings of 250 ms) grows large.
 */
export const BENCH_FLEET: GenerateFleetOptions = { facilities: 1_000, sensorsPerFacility: 5, seed: 1 }

/**
 * Store batching of quantrac's ingest and of the peer alike: QUANTRAC_BATCH_SIZE's default (5,000 readings,
 * about what one InfluxDB /write takes best), and 100 ms rather than the default 1 s for a partial batch, so
 * the store catches up within the bench's 1 s rule at every load.
 */
export const STORE_BATCH = { size: 5_000, flushMs: 100 } as const

/** Publisher set-up shared by every throughput run, so the ceiling, quantrac and the peer see the same load. */
export const PUBLISHERS = { workers: 2, connectionsPerWorker: 8, window: 64 } as const
