import { describe, expect, it } from 'vitest'
import { MAX_CLOCK_SKEW_MS, MAX_READING_AGE_MS } from '../../core/contract.ts'
import { FACTOR_IDS, FACTORS } from '../../core/factors.ts'
import type { SensorAddress } from '../../core/topics.ts'
import { decodeMessage, REJECTION_REASONS, type RejectionReason } from '../../ingest/decode.ts'
import { hostileCorpus, mulberry32, validMessage } from './hostile.ts'

const MAX_BYTES = 16_384
// CI runs the full corpus (QUANTRAC_FUZZ_MESSAGES=120000 in .ci/run); a local run takes a quick one.
const MESSAGES = Number(process.env.QUANTRAC_FUZZ_MESSAGES ?? 20_000)
const SEED = Number(process.env.QUANTRAC_FUZZ_SEED ?? 20261123)

/** Ingest's registry check: one known sensor on one facility, everything else unknown. */
function admit({ facilityId, sensorId }: SensorAddress) {
  if (sensorId === 'known-1' && facilityId === 'fac-1') return undefined
  if (sensorId === 'retired-1') return { reason: 'decommissioned' as const, detail: 'decommissioned' }
  return { reason: 'unknown-sensor' as const, detail: `sensor ${sensorId} is not registered` }
}

/** The known sensor is registered for every factor but chlorine: a `gas.cl2` item is an unregistered factor. */
const REGISTERED = FACTOR_IDS.filter((factor) => factor !== 'gas.cl2')
const factorsOf = () => REGISTERED

describe(`decodeMessage under ${MESSAGES.toLocaleString('en')} hostile messages (seed ${SEED})`, () => {
  it('never throws, refuses every bad item with a known reason, and lets every valid reading through intact', () => {
    const random = mulberry32(SEED)
    const receivedAt = Date.parse('2026-11-23T08:00:00Z')
    const counts = Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, 0])) as Record<
      RejectionReason,
      number
    >
    let accepted = 0
    let validSent = 0
    let validStored = 0
    const started = performance.now()
    for (let i = 0; i < MESSAGES; i++) {
      // Every tenth message is a valid one: it must come through whatever surrounds it.
      if (i % 10 === 0) {
        const valid = validMessage(random, receivedAt)
        validSent += valid.expected.length
        const decoded = decodeMessage(valid.topic, valid.payload, receivedAt, MAX_BYTES, admit, factorsOf)
        expect(decoded.rejections).toEqual([])
        expect(decoded.readings).toEqual(valid.expected)
        validStored += decoded.readings.length
        continue
      }
      const { topic, payload } = hostileCorpus(random, receivedAt)
      let decoded: ReturnType<typeof decodeMessage>
      try {
        decoded = decodeMessage(topic, payload, receivedAt, MAX_BYTES, admit, factorsOf)
      } catch (err) {
        throw new Error(
          `decodeMessage threw on ${JSON.stringify({ topic, payload: payload.toString('base64') })}`,
          {
            cause: err,
          },
        )
      }
      expect(decoded.readings.length + decoded.rejections.length).toBeGreaterThan(0)
      for (const rejection of decoded.rejections) {
        expect(REJECTION_REASONS).toContain(rejection.reason)
        expect(typeof rejection.detail).toBe('string')
        counts[rejection.reason]++
      }
      // Whatever gets through is a sane reading: finite, in range, in the time window, from the topic's sensor.
      for (const reading of decoded.readings) {
        accepted++
        const factor = FACTORS[reading.factor]
        expect(FACTOR_IDS).toContain(reading.factor)
        expect(Number.isFinite(reading.value)).toBe(true)
        expect(reading.value).toBeGreaterThanOrEqual(factor.min)
        expect(reading.value).toBeLessThanOrEqual(factor.max)
        expect(reading.time).toBeGreaterThanOrEqual(receivedAt - MAX_READING_AGE_MS)
        expect(reading.time).toBeLessThanOrEqual(receivedAt + MAX_CLOCK_SKEW_MS)
        expect(reading.sensorId).toBe('known-1')
      }
    }
    const seconds = (performance.now() - started) / 1000
    expect(validStored).toBe(validSent)
    // The corpus reaches every way of being wrong.
    for (const reason of REJECTION_REASONS) expect(counts[reason], reason).toBeGreaterThan(0)
    console.info(
      `fuzz: ${MESSAGES} messages in ${seconds.toFixed(1)} s; ${validStored} valid readings through;` +
        ` ${accepted} hostile-but-sane readings accepted; rejected ${JSON.stringify(counts)}`,
    )
  }, 120_000)
})
