import { Point } from '@influxdata/influxdb-client'
import { describe, expect, it } from 'vitest'
import type { Alert } from '../../core/alerts.ts'
import { stringLiteral } from '../../store/influx/influxql.ts'
import { alertLine, escapeTag, exposureLine, readingLine } from '../../store/influx/line-protocol.ts'

// @influxdata/influxdb-client's Point is the reference serialiser: ours must write the same bytes, faster.
function referenceReading(facility: string, sensor: string, factor: string, value: number, time: number) {
  return new Point('reading')
    .tag('facility', facility)
    .tag('factor', factor)
    .tag('sensor', sensor)
    .floatField('value', value)
    .timestamp(String(time))
    .toLineProtocol()
}

describe('line protocol', () => {
  it.each([
    ['fac-001', 'fac-001-s01', 'noise', 87.5],
    ['fac.2', 's_3', 'gas.co', 0.000123],
    ['plant', 'probe', 'temperature', -12],
    ['plant', 'probe', 'humidity', 100],
  ])(
    'writes a reading of %s/%s/%s exactly as the InfluxDB client does',
    (facility, sensor, factor, value) => {
      const time = 1_763_884_800_123
      expect(
        readingLine({ facilityId: facility, sensorId: sensor, factor: factor as 'noise', value, time }),
      ).toBe(referenceReading(facility, sensor, factor, value, time))
    },
  )

  it('escapes commas, spaces and equals signs in tag values as the client does', () => {
    for (const value of ['a b', 'a,b', 'a=b', 'a\\b', 'line\nbreak', 'plain']) {
      const expected = new Point('m').tag('t', value).floatField('f', 1).timestamp('1').toLineProtocol()
      expect(`m,t=${escapeTag(value)} f=1 1`).toBe(expected)
    }
  })

  it('writes an alert event with string fields quoted and escaped', () => {
    const alert: Alert = {
      id: 'a1',
      facilityId: 'f',
      sensorId: 's',
      factor: 'noise',
      kind: 'ceiling',
      level: 'alarm',
      state: 'open',
      value: 118,
      limit: 115,
      unit: 'dBA',
      source: 'QCVN 24:2016/BYT',
      message: 'Noise "118" dBA\\above',
      openedAt: 1000,
      updatedAt: 2000,
    }
    expect(alertLine({ type: 'opened', at: 2000, alert })).toBe(
      'alert,event=opened,facility=f,factor=noise,kind=ceiling,level=alarm,sensor=s,state=open' +
        ' id="a1",limit=115,message="Noise \\"118\\" dBA\\\\above",value=118 2000',
    )
  })

  it('writes who acknowledged, who was told and why it was resolved, as the InfluxDB client does', () => {
    const alert: Alert = {
      id: 'a1',
      facilityId: 'f',
      sensorId: 's',
      factor: 'noise',
      kind: 'ceiling',
      level: 'critical',
      state: 'resolved',
      value: 150,
      limit: 140,
      unit: 'dBA',
      source: 'QCVN 24:2016/BYT',
      message: 'Noise 150 dBA',
      openedAt: 1000,
      updatedAt: 3000,
    }
    const by = { keyId: 'k1', name: 'Nguyễn "An"' }
    const reference = (event: string, extra: (point: Point) => Point, reason?: string) => {
      let point = new Point('alert')
        .tag('event', event)
        .tag('facility', 'f')
        .tag('factor', 'noise')
        .tag('kind', 'ceiling')
        .tag('level', 'critical')
      if (reason !== undefined) point = point.tag('reason', reason)
      point = point
        .tag('sensor', 's')
        .tag('state', 'resolved')
        .stringField('id', 'a1')
        .floatField('value', 150)
        .floatField('limit', 140)
        .stringField('message', 'Noise 150 dBA')
      return extra(point).timestamp('3000').toLineProtocol()
    }
    expect(alertLine({ type: 'resolved', at: 3000, alert, by, reason: 'false-alarm', note: 'dry run' })).toBe(
      reference(
        'resolved',
        (p) => p.stringField('actor', by.name).stringField('actor_key', 'k1').stringField('note', 'dry run'),
        'false-alarm',
      ),
    )
    const notified = alertLine({ type: 'notified', at: 3000, alert, to: [by, { name: 'Lê' }] })
    expect(notified).toBe(reference('notified', (p) => p.stringField('recipients', 'Nguyễn "An", Lê')))
    expect(notified).not.toMatch(/[ ,]actor=/)
  })
})

/** Splits a line at the separators outside quoted strings (which escape `"` and `\\`): series, fields, time. */
function lineParts(line: string) {
  const pieces: string[][] = [[]]
  let current = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === '\\') {
      current += c + (line[++i] ?? '')
      continue
    }
    if (c === '"') quoted = !quoted
    if (!quoted && (c === ' ' || (c === ',' && pieces.length === 2))) {
      pieces.at(-1)!.push(current)
      current = ''
      if (c === ' ') pieces.push([])
      continue
    }
    current += c
  }
  pieces.at(-1)!.push(current)
  return { series: pieces[0], fields: pieces[1]?.sort(), time: pieces[2] }
}

describe('exposure lines', () => {
  it('write the basis and verdicts as JSON strings and each verdict as its own field, as the client escapes them', () => {
    const basis = {
      measuredMs: 60_000,
      windowMs: 28_800_000,
      share: 60_000 / 28_800_000,
      longestGapMs: 0,
      calibration: 'unknown',
      faults: [],
    } as const
    const verdicts = {
      dose: {
        verdict: 'insufficient-data',
        reasons: [
          { code: 'measured-below-minimum', message: 'Measured 0.02 h, less than the "2 h" minimum' },
        ],
        basis,
      },
    } as const
    const line = exposureLine({
      facilityId: 'f',
      sensorId: 's',
      factor: 'noise',
      time: 5000,
      shiftStart: 1000,
      coverage: 1,
      dose: 0.5,
      basis,
      verdicts,
    })
    const reference = new Point('exposure')
      .tag('facility', 'f')
      .tag('factor', 'noise')
      .tag('sensor', 's')
      .intField('shift_start', 1000)
      .floatField('coverage', 1)
      .floatField('dose', 0.5)
      .stringField('basis', JSON.stringify(basis))
      .stringField('verdicts', JSON.stringify(verdicts))
      .stringField('dose_verdict', 'insufficient-data')
      .timestamp('5000')
      .toLineProtocol()!
    // The client writes fields in name order, ours in the order of the figures: compare them as sets.
    expect(lineParts(line)).toEqual(lineParts(reference))
  })
})

describe('InfluxQL string literals', () => {
  it('cannot be ended early by a quote in the value', () => {
    expect(stringLiteral("x' OR 1=1 --")).toBe("'x\\' OR 1=1 --'")
    expect(stringLiteral('back\\slash')).toBe("'back\\\\slash'")
  })
})
