import {
  MAX_BATCH_READINGS,
  type ReadingBatchPayload,
  type SensorPayload,
  type SingleReadingPayload,
} from '../core/contract.ts'
import { FACTORS, type FactorId } from '../core/factors.ts'

/** Decimal places each factor is reported with: what a real instrument of its kind resolves. */
const DECIMALS: Record<FactorId, number> = {
  noise: 1,
  'dust.total': 3,
  'dust.respirable': 3,
  'gas.co': 1,
  'gas.h2s': 2,
  'gas.nh3': 1,
  'gas.so2': 2,
  'gas.no2': 2,
  'gas.cl2': 2,
  'gas.co2': 0,
  'gas.o2': 1,
  'gas.lel': 0,
  temperature: 1,
  humidity: 1,
  wbgt: 1,
}

function roundForFactor(factor: FactorId, value: number): number {
  const scale = 10 ** DECIMALS[factor]
  return Math.round(value * scale) / scale
}

/**
 * The payload a device with these factors sends: a single reading for one factor, a batch for more.
 * Values are in each factor's canonical unit; `ts` goes out as an ISO string.
 */
export function buildPayload(
  factors: readonly FactorId[],
  values: readonly number[],
  timeMs: number,
): SensorPayload {
  const ts = new Date(timeMs).toISOString()
  if (factors.length === 1) {
    const factor = factors[0] as FactorId
    const single: SingleReadingPayload = {
      factor,
      value: roundForFactor(factor, values[0] as number),
      unit: FACTORS[factor].unit,
      ts,
    }
    return single
  }
  const batch: ReadingBatchPayload = {
    ts,
    readings: factors.map((factor, i) => ({
      factor,
      value: roundForFactor(factor, values[i] as number),
      unit: FACTORS[factor].unit,
    })),
  }
  return batch
}

/** A device's factors must fit one message; fail when the fleet is built rather than on the wire. */
export function assertFitsOneMessage(sensorId: string, factors: readonly FactorId[]): void {
  if (factors.length === 0 || factors.length > MAX_BATCH_READINGS) {
    throw new RangeError(
      `sensor ${sensorId} has ${factors.length} factors; 1 to ${MAX_BATCH_READINGS} fit a message`,
    )
  }
}
