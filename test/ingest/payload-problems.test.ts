import { describe, expect, it } from 'vitest'
import { decodeMessage } from '../../ingest/decode.ts'
import { closestFactor, explainPayload } from '../../ingest/payload-problems.ts'

describe('explainPayload', () => {
  it.each([
    [{ factor: 'noise', value: 'loud', unit: 'dBA' }, 'value: expected a number, got "loud"'],
    [{ factor: 'noise', value: null, unit: 'dBA' }, 'value: expected a number, got null'],
    [{ factor: 'noise', value: [1], unit: 'dBA' }, 'value: expected a number, got a list'],
    [{ factor: 'nosie', value: 88, unit: 'dBA' }, 'factor "nosie" is unknown — did you mean noise?'],
    [{ factor: 'Noise', value: 88, unit: 'dBA' }, 'factor "Noise" is unknown — did you mean noise?'],
    [{ factor: 'gas.c0', value: 1, unit: 'ppm' }, 'factor "gas.c0" is unknown — did you mean gas.co?'],
    [
      { factor: 'temprature', value: 30, unit: '°C' },
      'factor "temprature" is unknown — did you mean temperature?',
    ],
    [{ factor: 'noise', value: 88 }, 'unit: required'],
    [{ value: 88, unit: 'dBA' }, 'factor: required'],
    [{ factor: 'noise', value: 88, unit: '' }, 'unit: at least 1 character, got ""'],
    [{ factor: 'noise', value: 88, unit: 'dBA', colour: 'red' }, 'unexpected field "colour"'],
    [
      { factor: 'noise', value: 88, unit: 'dBA', ts: 'yesterday' },
      'ts: expected ISO-8601 with an offset (2026-11-23T08:00:00+07:00) or epoch milliseconds, got "yesterday"',
    ],
    [
      { factor: 'noise', value: 88, unit: 'dBA', ts: '2026-11-23T08:00:00' },
      'ts: expected ISO-8601 with an offset (2026-11-23T08:00:00+07:00) or epoch milliseconds, got "2026-11-23T08:00:00"',
    ],
    [{ readings: [] }, 'readings: at least 1 item'],
    [{ readings: 'many' }, 'readings: expected a list, got "many"'],
    [
      {
        readings: [
          { factor: 'gas.co', value: 1, unit: 'ppm' },
          { factor: 'gas.co', value: 'x', unit: 'ppm' },
        ],
      },
      'readings[1].value: expected a number, got "x"',
    ],
    [
      { readings: [{ factor: 'nosie', value: 1, unit: 'dBA' }] },
      'readings[0]: factor "nosie" is unknown — did you mean noise?',
    ],
    [[1, 2], 'payload: expected a JSON object (one reading, or {"readings": […]}), got a list'],
    ['hello', 'payload: expected a JSON object (one reading, or {"readings": […]}), got "hello"'],
    [42, 'payload: expected a JSON object (one reading, or {"readings": […]}), got 42'],
  ])('%j → %s', (payload, expected) => {
    expect(explainPayload(payload)).toBe(expected)
  })

  it('counts the problems it does not spell out', () => {
    expect(explainPayload({ factor: 'noise', value: 'loud' })).toBe(
      'value: expected a number, got "loud" (and 1 more problem)',
    )
  })

  it('lists the known factors when nothing is close, and cuts long values short', () => {
    const explained = explainPayload({ factor: 'vibration', value: 1, unit: 'g' })
    expect(explained).toMatch(/^factor "vibration" is unknown — known factors: noise, dust\.total, .*wbgt$/)
    expect(explainPayload({ factor: 'noise', value: 'x'.repeat(500), unit: 'dBA' })).toBe(
      `value: expected a number, got "${'x'.repeat(39)}…"`,
    )
  })

  it('suggests only a near factor', () => {
    expect(closestFactor('nois')).toBe('noise')
    expect(closestFactor('humidty')).toBe('humidity')
    expect(closestFactor('ch4')).toBeUndefined()
  })
})

describe('decodeMessage with the sensor’s registered factors', () => {
  const topic = 'quantrac/v1/readings/fac-1/meter-1'
  const now = Date.parse('2026-11-23T08:00:00Z')
  const noiseOnly = () => ['noise'] as const
  const decode = (payload: object) =>
    decodeMessage(topic, Buffer.from(JSON.stringify(payload)), now, 16_384, undefined, noiseOnly)

  it('refuses a factor the sensor is not registered for, with its own reason', () => {
    const decoded = decode({ factor: 'gas.co', value: 12, unit: 'ppm' })
    expect(decoded.readings).toEqual([])
    expect(decoded.rejections).toEqual([
      {
        reason: 'unregistered-factor',
        detail:
          "sensor meter-1 is not registered for gas.co (registered: noise); add it to the sensor's factors to accept it",
      },
    ])
  })

  it('judges each item of a batch alone', () => {
    const decoded = decode({
      readings: [
        { factor: 'noise', value: 80, unit: 'dBA' },
        { factor: 'gas.co', value: 12, unit: 'ppm' },
      ],
    })
    expect(decoded.readings.map((r) => r.factor)).toEqual(['noise'])
    expect(decoded.rejections.map((r) => r.reason)).toEqual(['unregistered-factor'])
  })

  it('accepts any factor of a sensor whose factors it does not know', () => {
    const decoded = decodeMessage(
      topic,
      Buffer.from('{"factor":"gas.co","value":1,"unit":"ppm"}'),
      now,
      16_384,
    )
    expect(decoded.readings).toHaveLength(1)
  })
})
