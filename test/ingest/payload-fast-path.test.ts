import { describe, expect, it } from 'vitest'
import { sensorPayloadSchema } from '../../core/contract.ts'
import { readValidPayload } from '../../ingest/payload-fast-path.ts'
import { hostileCorpus, mulberry32, validMessage } from '../fuzz/hostile.ts'

const RECEIVED_AT = Date.parse('2026-11-23T08:00:00Z')

/** Whatever the fast path accepts, the schema accepts as it is. */
function expectSound(json: unknown): boolean {
  const fast = readValidPayload(json)
  if (fast === undefined) return false
  const parsed = sensorPayloadSchema.safeParse(json)
  expect(parsed.success, JSON.stringify(json)).toBe(true)
  expect(parsed.data).toEqual(fast)
  return true
}

describe('the payload fast path', () => {
  it('accepts the payloads sensors send, as the schema does', () => {
    const random = mulberry32(7)
    for (let i = 0; i < 2_000; i++) {
      const { payload } = validMessage(random, RECEIVED_AT)
      expect(expectSound(JSON.parse(payload.toString('utf8')))).toBe(true)
    }
    expect(expectSound({ factor: 'noise', value: 87.5, unit: 'dBA', ts: '2026-11-23T08:00:00+07:00' })).toBe(
      true,
    )
    expect(expectSound({ ts: 1763859600000, readings: [{ factor: 'gas.co', value: 12, unit: 'ppm' }] })).toBe(
      true,
    )
  })

  it('leaves to the schema whatever it does not recognise as valid', () => {
    const item = { factor: 'noise', value: 80, unit: 'dBA' }
    const refused = [
      null,
      [],
      'noise',
      { ...item, colour: 'red' },
      { ...item, factor: 'radiation' },
      { ...item, factor: 'toString' },
      { ...item, value: '80' },
      { ...item, unit: '' },
      { ...item, unit: 'x'.repeat(17) },
      { factor: 'noise', value: 80 },
      { ...item, ts: 1.5 },
      { ...item, ts: -1 },
      { ...item, ts: 8.64e15 + 1 },
      { ...item, ts: '2026-11-23T08:00:00' },
      { ...item, ts: '2026-02-30T08:00:00Z' },
      { readings: [] },
      { readings: Array.from({ length: 65 }, () => item) },
      { readings: [item], source: 'gateway' },
      { readings: [{ ...item, extra: 1 }] },
      { readings: item },
      JSON.parse('{"__proto__": {"x": 1}, "factor": "noise", "value": 80, "unit": "dBA"}'),
    ]
    for (const json of refused) expect(readValidPayload(json), JSON.stringify(json)).toBeUndefined()
  })

  it('never accepts what the schema refuses, over a hostile corpus', () => {
    const random = mulberry32(20261123)
    let accepted = 0
    for (let i = 0; i < 20_000; i++) {
      const { payload } = hostileCorpus(random, RECEIVED_AT)
      let json: unknown
      try {
        json = JSON.parse(payload.toString('utf8'))
      } catch {
        continue
      }
      if (expectSound(json)) accepted++
    }
    // The corpus mixes broken payloads with near-valid ones: some of them pass.
    expect(accepted).toBeGreaterThan(0)
  })
})
