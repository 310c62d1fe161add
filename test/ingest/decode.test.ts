import { describe, expect, it } from 'vitest'
import { readingsTopic } from '../../core/topics.ts'
import { decodeMessage } from '../../ingest/decode.ts'

const NOW = Date.parse('2026-11-23T08:00:00Z')
const TOPIC = readingsTopic('fac-1', 'sensor-1')
const MAX = 16_384

function decode(payload: unknown, topic = TOPIC) {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(JSON.stringify(payload))
  return decodeMessage(topic, bytes, NOW, MAX)
}

describe('decodeMessage', () => {
  it('accepts a single reading and takes facility and sensor from the topic', () => {
    const result = decode({ factor: 'noise', value: 87.5, unit: 'dBA', ts: '2026-11-23T07:59:00Z' })
    expect(result.rejections).toEqual([])
    expect(result.readings).toEqual([
      { facilityId: 'fac-1', sensorId: 'sensor-1', factor: 'noise', value: 87.5, time: NOW - 60_000 },
    ])
  })

  it('stamps a reading without a timestamp with the time it was received', () => {
    expect(decode({ factor: 'humidity', value: 60, unit: '%RH' }).readings[0]?.time).toBe(NOW)
  })

  it('accepts epoch milliseconds as a timestamp', () => {
    expect(decode({ factor: 'humidity', value: 60, unit: '%RH', ts: NOW - 5 }).readings[0]?.time).toBe(
      NOW - 5,
    )
  })

  it('converts mg/m³ of a gas to ppm with its molecular weight at 25 °C', () => {
    const [reading] = decode({ factor: 'gas.co', value: 28.01, unit: 'mg/m3' }).readings
    expect(reading?.value).toBeCloseTo(24.45, 10)
  })

  it('converts °F to °C and accepts unit spellings such as dB(A)', () => {
    expect(decode({ factor: 'temperature', value: 212, unit: '°F' }).readings[0]?.value).toBeCloseTo(100)
    expect(decode({ factor: 'noise', value: 80, unit: 'dB(A)' }).readings[0]?.value).toBe(80)
  })

  it('splits a batch into readings, the batch timestamp applying to items without one', () => {
    const result = decode({
      ts: NOW - 1000,
      readings: [
        { factor: 'gas.co', value: 3, unit: 'ppm' },
        { factor: 'gas.o2', value: 20.9, unit: '%vol', ts: NOW - 2000 },
      ],
    })
    expect(result.readings.map((r) => [r.factor, r.time])).toEqual([
      ['gas.co', NOW - 1000],
      ['gas.o2', NOW - 2000],
    ])
  })

  it('keeps the valid items of a batch and rejects the faulty one with its reason', () => {
    const result = decode({
      readings: [
        { factor: 'gas.co', value: 3, unit: 'ppm' },
        { factor: 'gas.lel', value: 3, unit: 'ppm' },
      ],
    })
    expect(result.readings).toHaveLength(1)
    expect(result.rejections).toEqual([
      { reason: 'unit', factor: 'gas.lel', detail: 'gas.lel cannot be given in ppm' },
    ])
  })

  it.each([
    ['topic', TOPIC, '{}', 'quantrac/v1/readings/fac-1'],
    ['topic', TOPIC, '{}', 'quantrac/v1/readings/fac 1/s'],
    ['utf8', TOPIC, Buffer.from([0xff, 0xfe, 0x7b]), undefined],
    ['json', TOPIC, '{"factor":', undefined],
    ['schema', TOPIC, { factor: 'radiation', value: 1, unit: 'Sv' }, undefined],
    ['schema', TOPIC, { factor: 'noise', value: '85', unit: 'dBA' }, undefined],
    ['schema', TOPIC, { factor: 'noise', value: 85, unit: 'dBA', extra: true }, undefined],
    ['schema', TOPIC, { readings: [] }, undefined],
    ['schema', TOPIC, [1, 2, 3], undefined],
    ['unit', TOPIC, { factor: 'noise', value: 85, unit: 'ppm' }, undefined],
    ['range', TOPIC, { factor: 'humidity', value: 140, unit: '%RH' }, undefined],
    ['range', TOPIC, { factor: 'dust.total', value: -1, unit: 'mg/m3' }, undefined],
    ['timestamp', TOPIC, { factor: 'noise', value: 85, unit: 'dBA', ts: NOW + 3_600_000 }, undefined],
    ['timestamp', TOPIC, { factor: 'noise', value: 85, unit: 'dBA', ts: 1_700_000 }, undefined],
  ])('rejects a message with reason %s', (reason, _topic, payload, topic) => {
    const bytes = Buffer.isBuffer(payload) ? payload : undefined
    const result = bytes ? decodeMessage(TOPIC, bytes, NOW, MAX) : decode(payload, topic ?? TOPIC)
    expect(result.readings).toEqual([])
    expect(result.rejections[0]?.reason).toBe(reason)
    expect(result.rejections[0]?.detail.length).toBeGreaterThan(0)
  })

  it('rejects a payload above the size limit before parsing it', () => {
    const result = decodeMessage(TOPIC, Buffer.alloc(MAX + 1, 0x20), NOW, MAX)
    expect(result.rejections[0]?.reason).toBe('too-large')
  })

  it('rejects NaN and Infinity, which JSON cannot carry but a hand-written payload may try', () => {
    expect(decode('{"factor":"noise","value":NaN,"unit":"dBA"}').rejections[0]?.reason).toBe('json')
    expect(decode('{"factor":"noise","value":1e999,"unit":"dBA"}').rejections[0]?.reason).toBe('schema')
  })
})
