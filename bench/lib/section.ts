import type { GenerateFleetOptions } from '../../simulators/fleet.ts'
import type { BenchContext } from './context.ts'
import type { SectionId, SectionResult } from './report.ts'

export type SectionBody = Pick<SectionResult, 'summary' | 'tables' | 'notes' | 'data'>

export interface Section {
  id: SectionId
  title: string
  run(ctx: BenchContext): Promise<SectionBody>
}

/**
 * The fleet the throughput runs publish: 1,000 sensors, the simulator's device mix, spread over 200
 * facilities. Spread on purpose: ingest's live feed sends each facility's readings of 250 ms as one MQTT
 * message, and past ~650 readings/s per facility that message outgrows the broker's 16 KB payload limit
 * (see the scale section's dense-facility run).
 */
export const BENCH_FLEET: GenerateFleetOptions = { facilities: 200, sensorsPerFacility: 5, seed: 1 }

/** Publisher set-up shared by every throughput run, so the ceiling, quantrac and the peer see the same load. */
export const PUBLISHERS = { workers: 2, connectionsPerWorker: 8, window: 64 } as const
